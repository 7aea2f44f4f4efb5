"""Accessibility audit (WCAG 2.1 AA, as GB/T 37668 asks) of the demo site with axe-core in Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, REPO
from tests.site_helpers import DEMO_NOW, serve

CHROMIUM = "/usr/bin/chromium"
AXE = REPO / ".cache/npm/node_modules/axe-core/axe.min.js"
pytestmark = [pytest.mark.browser, pytest.mark.slow]

if not (Path(CHROMIUM).exists() and AXE.exists()) and os.environ.get("CI") != "true":
    pytest.skip("chromium or axe-core missing (make test installs both)", allow_module_level=True)

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cebase.site.build import build_site

    out = tmp_path_factory.mktemp("a11y") / "site"
    assert build_site(EXAMPLES, out, DEMO_NOW).ok
    return out


def pages(site: Path) -> list[str]:
    first = lambda folder: sorted(  # noqa: E731
        p.relative_to(site).as_posix()
        for p in (site / folder).glob("*.html")
        if p.name != "index.html"
    )[0]
    return [
        "index.html",
        "bases/index.html",
        first("bases"),
        "specialties/index.html",
        first("specialties"),
        "notices/index.html",
        first("notices"),
        "stats.html",
        "data/index.html",
        "guide/index.html",
        "guide/fields/application.html",
        "forms/scans.html",
        "about/index.html",
    ]


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_no_wcag_aa_violations(site: Path, width: int) -> None:
    from playwright.sync_api import sync_playwright

    axe = AXE.read_text("utf-8")
    found = []
    with serve(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": width, "height": 900})
        for path in pages(site):
            page.goto(f"{url}/{path}")
            page.add_script_tag(content=axe)
            result = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
            )
            found += [
                f"{path}: {v['id']} {[n['target'] for n in v['nodes']][:3]}"
                for v in result["violations"]
            ]
        browser.close()
    assert found == []


def test_usable_at_200_percent_zoom(site: Path) -> None:
    """适老化: at 200% zoom (a 640 px wide viewport, twice the pixels) nothing needs a sideways scroll."""
    from playwright.sync_api import sync_playwright

    with serve(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 640, "height": 800}, device_scale_factor=2)
        wide = []
        for path in pages(site):
            page.goto(f"{url}/{path}")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                wide.append((path, overflow))
        browser.close()
    assert wide == []
