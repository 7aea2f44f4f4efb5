"""Markup in any public text field is shown as text: never run, never interpreted."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.site_helpers import build_unvalidated, plant, serve, site_texts

CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.slow

PAYLOAD = (
    "<script>alert(1)</script><img src=x onerror=alert(2)>"
    "[点我](javascript:alert(3)) **粗体** {{ 7*7 }} {% if 1 %}JINJA{% endif %} <!-- 注释 -->"
)
MARKERS = (
    "<script>alert(1)</script>",
    "**粗体**",
    "{{ 7*7 }}",
    "{% if 1 %}JINJA{% endif %}",
    "<!-- 注释 -->",
    "[点我](javascript:alert(3))",
)


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict[str, str | None]] = []
        self.bad_attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []
        self.comments: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "script":
            self.scripts.append(dict(attrs))
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.bad_attrs.append((tag, name, value))

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.comments.append(data)


@pytest.fixture(scope="module")
def injected_site(tmp_path_factory: pytest.TempPathFactory, plain_examples: Path) -> Path:
    """The demo opened, so that every record's values can be rewritten."""
    root = tmp_path_factory.mktemp("inject") / "registry"
    shutil.copytree(plain_examples, root)

    def choose(leaf, old):
        _, node, public = leaf
        if not public or node.get("enum") or node.get("pattern") or node.get("format"):
            return None
        if node.get("type") != "string":
            return None
        limit = node.get("maxLength", 1000)
        return PAYLOAD if limit >= len(PAYLOAD) else PAYLOAD[:limit]

    kept = plant(root, choose)
    assert sum(v == PAYLOAD for v in kept) > 20
    site = tmp_path_factory.mktemp("inject-site") / "site"
    build_unvalidated(root, site)
    return site


def _pages(site: Path) -> list[tuple[Path, Page]]:
    out = []
    for f in sorted(site.rglob("*.html")):
        p = Page()
        p.feed(f.read_text("utf-8"))
        out.append((f, p))
    return out


def test_no_injected_script_handler_or_javascript_link(injected_site):
    for f, page in _pages(injected_site):
        assert page.bad_attrs == [], f
        for attrs in page.scripts:  # only the theme's and our own scripts, by src or config
            src = attrs.get("src")
            assert src is None or not src.startswith(("http:", "https:", "//")), f
        assert not any("注释" in c for c in page.comments), f
        raw = f.read_text("utf-8")
        assert "<script>alert" not in raw and "<img src=x" not in raw, f  # e.g. in <title>


def test_search_index_has_the_payload_as_data(injected_site):
    fragments = [
        text for f, text in site_texts(injected_site) if "pagefind/fragment/" in f.as_posix()
    ]
    assert any("alert" in text for text in fragments)  # indexed (as JSON data, not markup)


@pytest.mark.browser
def test_search_results_show_the_payload_as_text(injected_site):
    """Pagefind's titles and excerpts carry the raw text: our panel shows it, runs nothing."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make browser)")
    with serve(injected_site) as url, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"{url}/index.html")
        page.locator("#ce-search-input").press_sequentially("alert", delay=20)
        page.locator("#ce-search-results a").first.wait_for()
        page.wait_for_timeout(500)
        titles = page.locator("#ce-search-results h3").all_text_contents()
        assert any("<script>alert(1)</script>" in t for t in titles), titles
        assert page.locator("#ce-search-results script, #ce-search-results img").count() == 0
        assert dialogs == []
        browser.close()


def test_payload_is_shown_as_text_on_base_pages(injected_site):
    pages = [
        (f, p)
        for f, p in _pages(injected_site)
        if f.parent.name == "bases" and f.name != "index.html"
    ]
    assert pages
    for f, page in pages:
        text = "".join(page.text)
        for marker in MARKERS:
            assert marker in text, (f, marker)
        assert "JINJA" in text and "49" not in text.replace("2049", "")
        # Markdown did not turn ** into <strong> inside the user's text
        assert "<strong>粗体" not in f.read_text("utf-8")


def test_payload_is_text_in_directory_notices_and_footer(injected_site):
    for rel in ("bases/index.html", "notices/index.html", "index.html"):
        page = Page()
        page.feed((injected_site / rel).read_text("utf-8"))
        assert "<script>alert(1)</script>" in "".join(page.text), rel
    notice = next((injected_site / "notices").glob("*-results.html"))
    page = Page()
    page.feed(notice.read_text("utf-8"))
    # cycle title, issuer and contacts office are public free text too
    assert "".join(page.text).count("<script>alert(1)</script>") >= 3
