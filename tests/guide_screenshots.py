"""Screenshots of our own pages for the web-editor guide (docs/guide/images/).

Not a test: run it after changing the forms, look at the pictures, commit them.
    .venv/bin/python tests/guide_screenshots.py [OUT_DIR]
It builds the demo site, fills each form with a demo record (opened with the TEST key: the
demo is sealed) as a person would and saves
the pages the guide shows: the forms overview, the top of a form, a repeating group and
the generated file with its buttons.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.test_forms_site import (  # noqa: E402
    ARGS,
    CASES,
    CHROMIUM,
    fill,
    load,
    plain,
    publish_until_built,
)


def main(out: Path) -> None:
    from playwright.sync_api import sync_playwright

    from cebase.site.build import build_site
    from tests.conftest import EXAMPLES
    from tests.sealing import open_copy
    from tests.site_helpers import DEMO_NOW, serve

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        assert build_site(EXAMPLES, site, DEMO_NOW).ok
        opened = open_copy(Path(tmp) / "opened")
        publish_until_built(site)
        with serve(site) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1100, "height": 820})
            page.goto(f"{url}/forms/index.html")
            page.screenshot(path=out / "forms-index.png")
            for kind, relpath in CASES.items():
                page.goto(f"{url}/forms/{kind}.html")
                page.wait_for_selector(".cebase-form[data-ready='true']")
                if kind == "institution":
                    page.screenshot(path=out / f"form-{kind}.png")
                if kind != "institution":
                    page.get_by_label("本单位统一社会信用代码").fill(relpath.split("/")[1])
                fill(page, "", plain(load(opened / relpath)))
                # the sticky header would cover part of an element's picture
                page.add_style_tag(content=".md-header { position: static !important; }")
                part = {"application": "/specialties", "assessment": "/finance/income"}.get(kind)
                if part:
                    page.locator(f'[data-path="{part}"]').screenshot(
                        path=out / f"form-{kind}-part.png"
                    )
                page.get_by_role("button", name="检查全部").click()
                page.wait_for_timeout(400)
                page.locator(".cf-actions").scroll_into_view_if_needed()
                if kind == "application":
                    page.locator(".cf-actions").screenshot(path=out / f"form-{kind}-file.png")
            browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs/guide/images")
