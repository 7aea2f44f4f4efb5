"""No non-public field of any record reaches any file of the built site."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from tests.site_helpers import build_unvalidated, plant, site_texts

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def planted_site(
    tmp_path_factory: pytest.TempPathFactory, plain_examples: Path
) -> tuple[Path, list[str]]:
    """The demo opened (every field plain, so every one can be planted): the allowlist at work.
    That the sealed demo's site is the opened one's is tests/test_seal.py's."""
    root = tmp_path_factory.mktemp("privacy") / "registry"
    shutil.copytree(plain_examples, root)
    counter = itertools.count(1)

    def choose(leaf, old):
        _path, node, public = leaf
        if public or node.get("enum") or node.get("format") == "date":
            return None
        n = next(counter)
        if node.get("type") == "string" or isinstance(old, str):
            pattern = node.get("pattern", "")
            if pattern.startswith("^[0-9+\\- ]"):  # phone numbers
                return f"139{n:08d}"
            if pattern.startswith("^attachments/"):
                return None  # a path, not content; attachments are never copied
            if "A-Za-z0-9" in pattern:  # platform logins
                return f"sentinel{n}"
            return f"SENTINEL-{n:05d}"
        if node.get("type") in ("integer", "number") and node.get("maximum", 10**12) >= 10**6:
            return 9_870_000 + n  # distinctive where the schema allows it
        return None

    values = [str(v) for v in plant(root, choose)]
    # the self-inspection report is never published as a whole
    for report in root.glob("submissions/*/*/self-report.md"):
        values.append("SENTINEL-REPORT")
        report.write_text(report.read_text("utf-8") + "\n\nSENTINEL-REPORT\n", "utf-8")
    site = tmp_path_factory.mktemp("privacy-site") / "site"
    build_unvalidated(root, site)
    return site, values


def test_sentinels_were_planted_in_every_kind(planted_site):
    _, values = planted_site
    words = [v for v in values if v.startswith("SENTINEL-")]
    phones = [v for v in values if v.startswith("139")]
    numbers = [v for v in values if v.startswith("987")]
    assert len(words) > 100 and phones and numbers and "SENTINEL-REPORT" in values


def test_no_sentinel_reaches_any_output_file(planted_site):
    site, values = planted_site
    texts = list(site_texts(site))
    names = {f.relative_to(site).as_posix() for f, _ in texts}
    # the files the public sees are all searched, including the search index and data
    assert any(n.startswith("pagefind/fragment/") for n in names)
    assert {
        "data/bases.json",
        "data/bases.csv",
        "data/notices.json",
        "data/deadlines.ics",
        "notices/feed.xml",
        "sitemap.xml.gz",
    } <= names
    assert any(f.name.endswith(".html") and "bases/" in f.as_posix() for f, _ in texts)
    leaks = [
        (f.relative_to(site).as_posix(), v) for f, text in texts for v in set(values) if v in text
    ]
    assert leaks == []
