"""The built demo site in headless Chromium: filters, sorting, Chinese search, no outside requests."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import EXAMPLES
from tests.site_helpers import DEMO_NOW, serve

CHROMIUM = "/usr/bin/chromium"
pytestmark = [pytest.mark.browser, pytest.mark.slow]

if not Path(CHROMIUM).exists() and os.environ.get("CI") != "true":
    pytest.skip("Debian chromium is not installed (make browser)", allow_module_level=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cebase.site.build import build_site

    out = tmp_path_factory.mktemp("browser") / "site"
    assert build_site(EXAMPLES, out, DEMO_NOW).ok
    return out


@pytest.fixture(scope="module")
def bases(site: Path) -> list[dict]:
    return json.loads((site / "data" / "bases.json").read_text("utf-8"))["bases"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert shutil.which(CHROMIUM) or os.environ.get("CI") == "true"
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, site):
    with serve(site) as url:
        pg = browser.new_page()
        requests: list[str] = []
        pg.on("request", lambda r: requests.append(r.url))
        pg.base = url  # type: ignore[attr-defined]
        yield pg
        pg.close()
        outside = [r for r in requests if not r.startswith(url + "/")]
        assert requests and outside == []  # nothing leaves the site


def _visible(pg) -> list[str]:
    return pg.eval_on_selector_all(
        "#ce-directory tbody tr:not([hidden]) td:first-child", "els => els.map(e => e.textContent)"
    )


def test_filter_by_district_and_share_url(page, bases):
    district = max(
        {b["district"] for b in bases}, key=lambda d: sum(x["district"] == d for x in bases)
    )
    expected = sorted(b["name"] for b in bases if b["district"] == district)
    page.goto(page.base + "/bases/index.html")
    assert len(_visible(page)) == len(bases)
    page.get_by_label("所在区（县）").select_option(district)
    assert sorted(_visible(page)) == expected
    assert "district=" in page.url
    shared = page.url
    page.goto(page.base + "/index.html")
    page.goto(shared)
    assert sorted(_visible(page)) == expected
    assert page.get_by_label("所在区（县）").input_value() == district


def test_filter_by_specialty_and_text(page, bases):
    code = bases[0]["specialties"][0]["code"]
    expected = sorted(b["name"] for b in bases if code in {s["code"] for s in b["specialties"]})
    page.goto(page.base + f"/bases/index.html?specialty={quote(code)}")
    assert sorted(_visible(page)) == expected
    page.click("#f-reset")
    page.get_by_label("关键词").fill(bases[-1]["name"][2:6])
    assert bases[-1]["name"] in _visible(page)
    assert len(_visible(page)) < len(bases)


def test_sort_by_column_with_keyboard(page):
    page.goto(page.base + "/bases/index.html")
    header = page.locator("#ce-directory th", has_text="认定日期")
    header.locator("button").focus()
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") == "ascending"
    col = page.eval_on_selector_all(
        "#ce-directory tbody tr td:nth-child(7)", "els => els.map(e => e.textContent)"
    )
    assert col == sorted(col)
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") == "descending"
    col = page.eval_on_selector_all(
        "#ce-directory tbody tr td:nth-child(7)", "els => els.map(e => e.textContent)"
    )
    assert col == sorted(col, reverse=True)


def _search(page, term: str, start: str = "/index.html") -> list[str]:
    """Type ``term`` into the header search box; the result links, in order."""
    page.goto(page.base + start)
    page.wait_for_load_state("networkidle")
    box = page.locator("#ce-search-input")
    if page.viewport_size["width"] < 960:  # the theme's breakpoint: the box opens from a button
        page.locator("label.md-header__button[for=__search]").click()
    box.click()
    box.press_sequentially(term, delay=30)
    page.wait_for_function(
        "() => !/正在|输入/.test(document.getElementById('ce-search-status').textContent)"
    )
    return [a.get_attribute("href") or "" for a in page.locator("#ce-search-results a").all()]


def _part_of_name(name: str) -> str:
    """Two characters of a name that are neither the city nor the region nor the suffix."""
    for prefix in ("乌鲁木齐市", "乌鲁木齐", "新疆维吾尔自治区", "新疆"):
        name = name.removeprefix(prefix)
    return name[:2]


def test_search_a_district_finds_its_bases(page, bases):
    district = "天山区"
    hits = {b["uscc"] for b in bases if b["district"] == district}
    assert hits
    hrefs = _search(page, district)
    assert {u for u in hits if any(f"bases/{u}.html" in h for h in hrefs)} == hits, hrefs


def test_search_part_of_a_name_finds_the_base(page, bases):
    for base in bases:
        term = _part_of_name(base["name"])
        hrefs = _search(page, term)
        assert any(f"bases/{base['uscc']}.html" in h for h in hrefs), (term, hrefs)


def test_search_a_specialty_finds_its_page_and_bases(page, bases):
    spec = next(s for b in bases for s in b["specialties"] if len(s["name"]) >= 4)
    trainers = {b["uscc"] for b in bases if spec["code"] in {s["code"] for s in b["specialties"]}}
    hrefs = _search(page, spec["name"])
    assert any(f"specialties/{spec['code']}.html" in h for h in hrefs), hrefs
    assert all(any(f"bases/{u}.html" in h for h in hrefs) for u in trainers), hrefs


def test_search_a_uscc_finds_the_base(page, bases):
    base = bases[-1]
    hrefs = _search(page, base["uscc"], start=f"/bases/{bases[0]['uscc']}.html")
    assert hrefs and f"bases/{base['uscc']}.html" in hrefs[0], hrefs


def test_results_show_title_and_excerpt_in_chinese(page, bases):
    _search(page, "天山区")
    status = page.locator("#ce-search-status").text_content() or ""
    assert status.startswith("找到") and "个相关页面" in status
    first = page.locator("#ce-search-results .md-search-result__item").first
    assert first.locator("h3").text_content()
    assert first.locator("mark").count() >= 1  # the hit, highlighted in the excerpt
    _search(page, "没有这个词语的页面")
    assert "没有找到" in (page.locator("#ce-search-status").text_content() or "")


def test_the_directory_and_unindexed_sections_are_not_found(page, bases):
    hrefs = _search(page, "认定和考核记录")  # a heading that only unindexed sections carry
    assert not any("bases/" in h for h in hrefs), hrefs
    assert not any(h.endswith("bases/index.html") for h in _search(page, "基地名录表格"))


def test_no_index_is_fetched_before_the_first_search(browser, site, bases):
    with serve(site) as url:
        pg = browser.new_page()
        requests: list[str] = []
        pg.on("request", lambda r: requests.append(r.url))
        pg.goto(f"{url}/bases/{bases[0]['uscc']}.html")
        pg.wait_for_load_state("networkidle")
        pg.locator("#ce-search-input").click()  # opening the box is not a search
        pg.wait_for_timeout(500)
        assert requests and not [r for r in requests if "/pagefind/" in r], requests
        pg.locator("#ce-search-input").press_sequentially("天山区", delay=30)
        pg.locator("#ce-search-results a").first.wait_for()
        fetched = [r for r in requests if "/pagefind/" in r]
        assert any(r.endswith("pagefind.js") for r in fetched), fetched
        assert not [r for r in requests if not r.startswith(url + "/")]
        pg.close()


def test_phone_search_for_a_district(browser, site, tmp_path):
    """A phone-sized window: the search opens from the header and lists results."""
    with serve(site) as url:
        pg = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
        pg.base = url  # type: ignore[attr-defined]
        hrefs = _search(pg, "天山区")
        assert hrefs and pg.locator("#ce-search-results").is_visible()
        shot = os.environ.get("CEBASE_SCREENSHOT")
        pg.screenshot(path=shot or str(tmp_path / "phone-search.png"))
        pg.close()
