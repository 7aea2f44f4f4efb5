"""The site's forms seal personal fields (docs/assets/forms/seal.js): a person fills the
application form of the demo's site (the demo lists the TEST recipient), downloads the file,
and the sealed fields are age messages written as `cebase seal` writes them, which `cebase open`
with the bureau's (test) key turns back into what was typed. That the site is the same with
a reviewer's key at hand is tests/test_seal.py's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cebase import seal
from cebase.cli.new import HEADER
from cebase.loader import load_yaml_bytes
from cebase.registry import scan
from cebase.sealtext import seal_text
from cebase.site.build import write_site
from cebase.site.collect import collect
from cebase.status import evaluate
from cebase.template import render

from .conftest import EXAMPLES
from .site_helpers import DEMO_NOW, serve
from .test_forms_site import (
    ARGS,
    CASES,
    CHROMIUM,
    NO_BROWSER,
    NOW,
    download,
    fill,
    load,
    open_form,
    plain,
    publish_until_built,
)
from .test_seal import KEY, sealed_demo

KIND = "application"
ARMOUR = re.compile(
    r"-----BEGIN AGE ENCRYPTED FILE-----\n(?:[ ]*[A-Za-z0-9+/=]+\n)*?[ ]*-----END AGE ENCRYPTED FILE-----"
)


def site_files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def build(root: Path, out: Path) -> dict[str, bytes]:
    reg = scan(root)
    write_site(collect(reg, evaluate(reg, DEMO_NOW), DEMO_NOW, git_dates=False), out, DEMO_NOW)
    return site_files(out)


@pytest.fixture(scope="module")
def sealed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if NO_BROWSER:
        pytest.skip("需要 Debian 的 chromium（/usr/bin/chromium）；运行 make browser 安装")
    base = tmp_path_factory.mktemp("sealed-forms")
    out = base / "site"
    build(EXAMPLES, out)
    publish_until_built(out)
    return out


@pytest.fixture
def page(sealed_site: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p, serve(sealed_site) as url:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(accept_downloads=True)
            pg = context.new_page()
            pg.base = url  # type: ignore[attr-defined]
            outside: list[str] = []
            pg.on("request", lambda r: None if r.url.startswith(url) else outside.append(r.url))
            yield pg
            assert not outside, outside  # the age library is the site's own copy
        finally:
            browser.close()


def unsealed(text: str) -> str:
    """The text with each age message's content left out (it differs on every sealing)."""
    return ARMOUR.sub("<age message>", text)


@pytest.mark.browser
@pytest.mark.slow
def test_the_form_seals_what_a_person_types(
    page: Any, run_cli, tmp_path: Path, plain_examples: Path
) -> None:
    data = plain(load(plain_examples / CASES[KIND]))  # what the demo holds, opened
    uscc = CASES[KIND].split("/")[1]
    open_form(page, KIND)
    assert "只有市人社局审核人能读取" in page.locator(".cf-sealed").inner_text()
    page.get_by_label("本单位统一社会信用代码").fill(uscc)
    fill(page, "", data)
    page.get_by_role("button", name="检查全部").click()
    page.wait_for_function("document.querySelector('.cf-summary').textContent.includes('检查通过')")
    page.wait_for_function("document.querySelector('.cebase-form').dataset.written !== ''")
    text = download(page)

    # each sealed field holds an age message to the bureau's recipients, nothing in clear
    got = load_yaml_bytes("x.yaml", text.encode("utf-8")).document.data
    sealed = [p for shape in seal.sealed_shapes(KIND) for p in seal.places(got, shape)]
    assert len(sealed) == len(seal.sealed_shapes(KIND))
    policy = seal.read_policy(EXAMPLES)
    for _, parent, key in sealed:
        assert seal.stanzas(parent[key]) == policy.expected()
    assert data["pledge"]["signatory"] not in text

    # written as `cebase seal` writes the same values into the file `cebase new` writes
    root = sealed_demo(tmp_path)
    ids = seal.read_identities(KEY)
    code, opened, err = run_cli(
        "open", "--root", str(root), str(write(root, text)), "--identity", str(KEY)
    )
    assert code == 0, err
    values = load_yaml_bytes("x.yaml", opened.encode("utf-8")).document.data
    assert plain(values) == data  # what was typed, back
    written = render(
        KIND, "../../../schemas/application.schema.json", values, HEADER, complete=True
    )
    by_seal, count = seal_text(CASES[KIND], written, KIND, [i.to_public() for i in ids])
    assert count == len(sealed) and unsealed(text) == unsealed(by_seal)

    # beside the demo's sealed scans, the registry takes it, with the key and without (the
    # checks that read sealed values then wait for the bureau)
    assert sorted((root / CASES[KIND]).parent.glob("attachments/*.pdf.age"))
    args = ("validate", "--root", str(root), "--now", NOW[KIND], CASES[KIND])
    code, out, _ = run_cli(*args)
    assert code == 0 and "info[" in out, out
    code, out, _ = run_cli(*args, "--identity", str(KEY))
    assert code == 0 and "info[" not in out, out


def write(root: Path, text: str) -> Path:
    target = root / CASES[KIND]
    target.write_text(text, "utf-8")
    return target


@pytest.mark.browser
@pytest.mark.slow
def test_a_sealed_file_loads_with_its_sealed_fields_emptied(page: Any) -> None:
    source = EXAMPLES / "submissions/91650106DEM0E0053R/institution.yaml"
    open_form(page, "institution")
    page.get_by_label("载入已有的 institution.yaml").set_input_files(str(source))
    page.wait_for_function("document.querySelector('.cf-copied').textContent.includes('已载入')")
    assert "3 个加密字段" in page.locator(".cf-copied").inner_text()
    assert page.get_by_label("法定代表人", exact=True).input_value() == ""


@pytest.mark.browser
@pytest.mark.slow
def test_the_sealing_form_passes_the_accessibility_audit(page: Any) -> None:
    from .test_site_a11y import AXE, TAGS

    if not AXE.exists():
        pytest.skip("axe-core missing (make npm-tools installs it)")
    open_form(page, KIND)
    page.wait_for_function("document.querySelector('.cebase-form').dataset.written !== ''")
    page.add_script_tag(content=AXE.read_text("utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    assert [v["id"] for v in result["violations"]] == []
