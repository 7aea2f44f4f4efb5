"""The scan-sealing page (docs/forms/scans.md, assets/forms/scans.js): a clerk with only a
browser picks a scanned PDF, the page checks it as the registry checks attachments and
seals it to the bureau's recipients; the download is the name.pdf.age that the registry's
sealed-attachment rule accepts, and the bureau's (test) key opens it to the original bytes.
A file the registry would refuse is refused on the page, with the fix, and not sealed."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pyrage
import pytest

from cebase import layout
from cebase.seal import Keyring, parse_recipients, read_identities

from .conftest import EXAMPLES, FIXTURES
from .site_helpers import build_unvalidated, serve
from .test_forms_site import ARGS, CHROMIUM, NO_BROWSER

pytestmark = [pytest.mark.browser, pytest.mark.slow]
KEY = FIXTURES / "seal" / "test-identity.TEST-ONLY.txt"
RECIPIENTS = EXAMPLES / "cycles" / layout.RECIPIENTS_FILE  # the demo is sealed to the TEST key
PDF = next(FIXTURES.glob("records/negative/*/submissions/*/2026/attachments/*.pdf"))
PNG = FIXTURES / "gate" / "photo.png"


def _site(tmp: Path, recipients: bool) -> Path:
    root = tmp / "registry"
    shutil.copytree(EXAMPLES, root)
    if not recipients:
        (root / "cycles" / layout.RECIPIENTS_FILE).unlink()
    build_unvalidated(root, tmp / "site")
    return tmp / "site"


@pytest.fixture(scope="module")
def browser() -> Any:
    if NO_BROWSER:
        pytest.skip("需要 Debian 的 chromium（/usr/bin/chromium）；运行 make browser 安装")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def sealed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _site(tmp_path_factory.mktemp("scans"), recipients=True)


def _choose(browser: Any, site: Path, files: list[Path]) -> Any:
    page = browser.new_page()
    with serve(site) as url:
        page.goto(f"{url}/forms/scans.html")
        page.wait_for_selector('.cebase-scans[data-ready="true"]')
        page.set_input_files("#cs-files", [str(f) for f in files])
        page.wait_for_function(
            "n => document.querySelectorAll('.cs-item:not([data-state=\"working\"])').length === n",
            arg=len(files),
        )
        return page


def test_a_sealed_scan_opens_to_the_original_and_passes_the_registry(
    browser: Any, sealed_site: Path, tmp_path: Path
) -> None:
    page = _choose(browser, sealed_site, [PDF])
    item = page.locator(".cs-item")
    assert item.get_attribute("data-state") == "sealed"
    with page.expect_download() as info:
        item.get_by_role("link", name=f"下载 {PDF.name}.age").click()
    download = info.value
    assert download.suggested_filename == PDF.name + layout.SEALED_SUFFIX
    sealed = tmp_path / download.suggested_filename
    download.save_as(sealed)
    page.close()

    assert pyrage.decrypt(sealed.read_bytes(), read_identities(KEY)) == PDF.read_bytes()
    # what rules/sealed.py asks of a sealed attachment: sealed to exactly the listed
    # recipients, and (with the key) a PDF inside
    policy = parse_recipients(RECIPIENTS.read_text("utf-8"))
    opened = Keyring(policy, tuple(read_identities(KEY))).open_file(sealed)
    assert opened.stanzas == policy.expected()
    assert opened.head is not None and layout.sniff(opened.head) == "pdf"


def test_files_the_registry_would_refuse_are_not_sealed(
    browser: Any, sealed_site: Path, tmp_path: Path
) -> None:
    disguised = tmp_path / "certificate.pdf"
    disguised.write_bytes(PNG.read_bytes())  # a photo renamed .pdf
    too_big = tmp_path / "scan.pdf"
    too_big.write_bytes(b"%PDF-1.4\n" + b"0" * layout.ATTACHMENT_MAX_BYTES)
    text = tmp_path / "notes.txt"
    text.write_text("申报材料", "utf-8")
    page = _choose(browser, sealed_site, [disguised, too_big, text])
    items = page.locator(".cs-item")
    said = {items.nth(i).locator("strong").inner_text(): items.nth(i) for i in range(3)}
    assert all(item.get_attribute("data-state") == "refused" for item in said.values())
    assert page.locator(".cs-download").count() == 0
    assert "内容是PNG 图片。请把扩展名改为 .png" in said["certificate.pdf"].inner_text()
    assert "超过 10 MB 上限" in said["scan.pdf"].inner_text()
    assert "只能加密 PDF、JPEG 或 PNG 文件" in said["notes.txt"].inner_text()
    page.close()


def test_a_plain_registry_says_no_sealing_is_needed(browser: Any, tmp_path: Path) -> None:
    site = _site(tmp_path, recipients=False)
    page = browser.new_page()
    with serve(site) as url:
        page.goto(f"{url}/forms/scans.html")
        page.wait_for_selector('.cebase-scans[data-ready="true"]')
        assert "没有要求加密" in page.locator(".cebase-scans").inner_text()
        assert page.locator("#cs-files").count() == 0
    page.close()
