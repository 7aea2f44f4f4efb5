"""Synthetic registries for benchmarks: the demo registry's institutions, cloned N times.

Each clone gets a fresh valid USCC and keeps the demo institution's files, so
a registry of N institutions has the same mix of stages and file kinds as the
demo. Its name, address and description get a Chinese word of its own, so no
cache of text (search segmentation, say) gains from the cloning.

The demo is sealed to the TEST key, and so are the clones. ``plain=True`` (``--plain``
on the benchmarks) clones the demo opened instead: its institutions opened once with
the test identity (``cebase open``), its recipients file dropped.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO))

from tests.sealing import open_copy  # noqa: E402

from cebase.idcodes import make_uscc  # noqa: E402

EXAMPLES = REPO / "examples"
DIVISIONS = ("650102", "650103", "650104", "650105", "650106", "650107", "650109", "650121")


class _NoAliases(yaml.SafeDumper):
    """The registry's loader refuses anchors; write repeated items out in full."""

    def ignore_aliases(self, data: object) -> bool:
        return True


STEMS = "甲乙丙丁戊己庚辛壬癸"


def clone_word(i: int) -> str:
    """A Chinese word unique to clone ``i`` (its digits spelt with the heavenly stems)."""
    return "".join(STEMS[int(d)] for d in str(i))


def _personalise(text: str, i: int) -> str:
    word = clone_word(i)
    text = text.replace("（示例）", f"{word}分部（示例）", 1)
    text = re.sub(r"(?m)^address: 乌鲁木齐市(\S+?区|\S+?县)", rf"\g<0>{word}街", text, count=1)
    return re.sub(
        r"(?m)^(description: \S+?)。", rf"\1，{word}分部为本单位下设机构。", text, count=1
    )


def clone_uscc(template: str, i: int) -> str:
    """A valid USCC of the same registration type as ``template``, unique per ``i``."""
    return make_uscc(template[:2], DIVISIONS[i % len(DIVISIONS)], f"{i:08d}")


def make_registry(dest: Path, n: int, source: Path = EXAMPLES, *, plain: bool = False) -> list[str]:
    """Write a registry of ``n`` institutions to ``dest``; return their USCCs.

    ``plain``: clone the source opened with the test identity, without recipients.
    """
    if plain:
        with tempfile.TemporaryDirectory(prefix="cebase-plain-") as tmp:
            return make_registry(dest, n, open_copy(Path(tmp) / "registry", source))
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(source / "cycles", dest / "cycles")
    (dest / "submissions").mkdir(parents=True)
    templates = sorted(p for p in (source / "submissions").iterdir() if p.is_dir())
    cycles = {
        f: yaml.safe_load(f.read_text("utf-8"))
        for f in sorted((dest / "cycles").glob("*/cycle.yaml"))
    }
    codes = []
    for i in range(n):
        tpl = templates[i % len(templates)]
        code = clone_uscc(tpl.name, i + 1)
        codes.append(code)
        target = dest / "submissions" / code
        shutil.copytree(tpl, target)
        for f in target.rglob("*"):
            if f.suffix in (".yaml", ".md"):
                text = f.read_text("utf-8").replace(tpl.name, code)
                if f.name == "institution.yaml":
                    text = _personalise(text, i + 1)
                f.write_text(text, "utf-8")
        # clones of incumbents and of extended applicants stay incumbents / extended
        for data in cycles.values():
            for section in ("incumbents", "extensions"):
                for item in list(data.get(section) or []):
                    if item["uscc"] == tpl.name:
                        data[section].append({**item, "uscc": code})
    for f, data in cycles.items():
        f.write_text(
            yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False), "utf-8"
        )
    return codes
