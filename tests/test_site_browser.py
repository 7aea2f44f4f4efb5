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


def _search(page, term: str) -> list[str]:
    page.goto(page.base + "/index.html")
    page.wait_for_load_state("networkidle")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.press_sequentially(term, delay=50)
    # Chinese is inserted as text, without key events; material searches on keyup
    # (or when its worker gets ready), so end as an input method does, with a key
    box.press("End")
    links = page.locator(".md-search-result__item a")
    links.first.wait_for(timeout=30000)
    return [a.get_attribute("href") or "" for a in links.all()]


def test_search_a_district_finds_its_bases(page, bases):
    district = "天山区"
    assert any(b["district"] == district for b in bases)
    hrefs = _search(page, district)
    hits = {b["uscc"] for b in bases if b["district"] == district}
    assert any(u in h for h in hrefs for u in hits), hrefs


def test_search_part_of_a_name_finds_the_base(page, bases):
    from cebase.site.build import _name_parts

    base = bases[0]
    parts = sorted(
        p
        for p in _name_parts(base["name"])
        if p not in base["district"] and not p.startswith(("乌鲁木齐", "新疆")) and len(p) >= 2
    )
    assert parts, base["name"]
    term = max(parts, key=len)[:2]  # the first two characters of the distinctive part
    hrefs = _search(page, term)
    assert any(base["uscc"] in h for h in hrefs), (term, hrefs)
