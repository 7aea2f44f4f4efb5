"""The site's forms (docs/forms/): a person fills each form in Chromium, downloads the file,
and `cebase validate` accepts it in a registry; the web editor link carries the path and the
text; an existing file loads back; the file is written exactly as `cebase new` writes it.

The site and the records here are the demo's opened (plain: no recipients, so the forms do
not seal); the forms that seal are tests/test_seal_forms.py's."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from cebase.cli.new import HEADER
from cebase.loader import load_yaml_bytes
from cebase.template import blank_templates, render
from tests.conftest import EXAMPLES, REPO
from tests.site_helpers import DEMO_NOW, serve

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FORMS = REPO / "docs/forms"
# demo records a person copies into the forms, and the registry folder they replace
CASES = {
    "institution": "submissions/91650107DEM0Q0155H/institution.yaml",
    "application": "submissions/12650104DEM0A0019H/2026/application.yaml",
    "assessment": "submissions/12650105DEM0J0093K/2026/assessment.yaml",
}
NOW = {"institution": "2025-12-22", "application": "2025-11-06", "assessment": "2025-12-22"}
REPOSITORY = "https://git.example.invalid/urumqi-rsj/cebase-registry"


def test_blank_templates_are_current() -> None:
    """The downloadable templates are what the writer makes (regenerate them if this fails)."""
    for name, text in blank_templates(HEADER).items():
        assert (FORMS / "templates" / name).read_text("utf-8") == text, (
            f"docs/forms/templates/{name} is stale: rewrite it with cebase.template.blank_templates"
        )


def test_self_report_skeleton_is_current() -> None:
    from cebase.cli.new import SELF_REPORT

    assert (FORMS / "templates/self-report.txt").read_text("utf-8") == SELF_REPORT.format(name="")


def load(path: Path) -> Any:
    doc = load_yaml_bytes(path.name, path.read_bytes()).document
    assert doc is not None
    return doc.data


def plain(value: Any) -> Any:
    """As JSON carries it (the browser's numbers), with empty lists and mappings dropped;
    a list of choices (tick boxes) is a set: the form writes it in the schema's order."""
    if isinstance(value, dict):
        out = {k: plain(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in ([], {}, None)}
    if isinstance(value, list):
        items = [plain(v) for v in value]
        return sorted(items) if all(isinstance(i, str) for i in items) else items
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def publish_until_built(site: Path) -> None:
    """The site publishes the schemas under /schemas/ and the rubric as open data; until
    the build writes these two, add them as it will."""
    if not (site / "schemas").is_dir():
        shutil.copytree(REPO / "schemas", site / "schemas")
    if not (site / "data/rubric.json").is_file():
        rubric = yaml.safe_load((EXAMPLES / "cycles/2026/rubric.yaml").read_text("utf-8"))
        (site / "data/rubric.json").write_text(
            json.dumps({"cycle": "2026", **rubric}, ensure_ascii=False), "utf-8"
        )


pytestmark = [pytest.mark.browser, pytest.mark.slow]
NO_BROWSER = not Path(CHROMIUM).exists() and os.environ.get("CI") != "true"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, plain_examples: Path) -> Path:
    if NO_BROWSER:
        pytest.skip("需要 Debian 的 chromium（/usr/bin/chromium）；运行 make browser 安装")
    from cebase.site.build import build_site

    out = tmp_path_factory.mktemp("forms") / "site"
    assert build_site(plain_examples, out, DEMO_NOW).ok
    publish_until_built(out)
    return out


@pytest.fixture(scope="module")
def browser(site: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(site: Path, browser: Any) -> Iterator[Any]:
    with serve(site) as url:
        context = browser.new_context(accept_downloads=True)
        pg = context.new_page()
        pg.base = url  # type: ignore[attr-defined]
        outside: list[str] = []
        pg.on("request", lambda r: None if r.url.startswith(url) else outside.append(r.url))
        try:
            yield pg
        finally:
            context.close()
        assert not outside, outside  # nothing is fetched from outside the site


def open_form(page: Any, kind: str) -> None:
    page.goto(f"{page.base}/forms/{kind}.html")
    page.wait_for_selector(f'.cebase-form[data-kind="{kind}"][data-ready="true"]')


def fill(page: Any, path: str, value: Any) -> None:
    """Type a value into the form the way a person does: fields, boxes, lists, selects."""
    if isinstance(value, dict):
        for key, sub in value.items():
            fill(page, f"{path}/{key}", sub)
        return
    field = page.locator(f'[data-path="{path}"]')
    if isinstance(value, list):
        if "cf-choices" in (field.get_attribute("class") or ""):
            for v in value:
                field.locator(f'input[value="{v}"]').check()
            return
        rows = field.locator(":scope > .cf-rows > .cf-row")
        while rows.count() < len(value):
            field.locator(":scope > button.cf-add").click()
        for i, item in enumerate(value):
            fill(page, f"{path}/{i}", item)
        return
    tag = field.evaluate("e => e.tagName + ':' + (e.type || '')")
    if tag == "INPUT:checkbox":
        field.set_checked(bool(value))
    elif tag.startswith("SELECT"):
        field.select_option(str(value))
    else:
        field.fill(str(value))


def download(page: Any) -> str:
    with page.expect_download() as info:
        page.get_by_role("link", name="下载文件").click()
    return Path(info.value.path()).read_text("utf-8")


def registry_with(tmp_path: Path, kind: str, text: str, demo: Path) -> tuple[Path, str]:
    root = tmp_path / "registry"
    shutil.copytree(demo, root)
    target = root / CASES[kind]
    target.write_text(text, "utf-8")
    return root, CASES[kind]


def test_site_offers_the_blank_templates(page: Any, site: Path) -> None:
    page.goto(f"{page.base}/forms/index.html")
    for name, text in blank_templates(HEADER).items():
        link = page.locator(f'a[download="{name}"]')
        with page.expect_download() as info:
            link.click()
        assert Path(info.value.path()).read_text("utf-8") == text


@pytest.mark.parametrize("kind", sorted(CASES))
def test_a_person_fills_the_form_and_the_file_validates(
    page: Any, run_cli, tmp_path: Path, kind: str, plain_examples: Path
) -> None:
    source = plain_examples / CASES[kind]
    data = plain(load(source))
    uscc = CASES[kind].split("/")[1]
    open_form(page, kind)
    if kind != "institution":
        page.get_by_label("本单位统一社会信用代码").fill(uscc)
    fill(page, "", data)
    page.get_by_role("button", name="检查全部").click()
    page.wait_for_function("document.querySelector('.cf-summary').textContent.includes('检查通过')")
    assert page.locator('[aria-invalid="true"]').count() == 0
    text = download(page)
    assert page.locator(".cf-path").inner_text() == CASES[kind]
    # the same text `cebase new`'s writer makes from these values
    notes = {}
    if kind == "assessment":
        rubric = yaml.safe_load((EXAMPLES / "cycles/2026/rubric.yaml").read_text("utf-8"))
        notes["self_scores"] = {
            i["id"]: f"{i['name']}（满分 {i['max']} 分）" for i in rubric["indicators"]
        }
    ref = "../../schemas" if kind == "institution" else "../../../schemas"
    got = load_yaml_bytes("x.yaml", text.encode("utf-8")).document.data
    assert text == render(
        kind, f"{ref}/{kind}.schema.json", got, HEADER, complete=True, notes=notes
    )
    assert plain(got) == data
    root, relpath = registry_with(tmp_path, kind, text, plain_examples)
    code, out, err = run_cli("validate", "--root", str(root), "--now", NOW[kind], relpath)
    assert code == 0, out + err
    # the web editor's "new file" page: the path and the text
    href = page.get_by_role("link", name="在网页编辑器中新建此文件").get_attribute("href")
    parts = urlsplit(href)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{REPOSITORY}/new/main"
    query = parse_qs(parts.query)
    assert query["filename"] == [CASES[kind]] and query["value"] == [text]
    # a later file goes to the branch of the pull request already opened
    page.get_by_label("提交到的分支").fill("apply/2026")
    href = page.get_by_role("link", name="在网页编辑器中新建此文件").get_attribute("href")
    assert urlsplit(href).path.endswith("/new/apply/2026")


@pytest.mark.parametrize("kind", sorted(CASES))
def test_an_existing_file_loads_for_editing(page: Any, kind: str, plain_examples: Path) -> None:
    source = plain_examples / CASES[kind]
    open_form(page, kind)
    page.get_by_label(f"载入已有的 {kind}.yaml").set_input_files(str(source))
    page.wait_for_function("document.querySelector('.cf-copied').textContent.includes('已载入')")
    page.wait_for_timeout(300)
    text = page.locator(".cf-output").input_value()
    got = load_yaml_bytes("x.yaml", text.encode("utf-8")).document.data
    assert plain(got) == plain(load(source))


def test_checks_as_you_type(page: Any) -> None:
    open_form(page, "institution")
    website = page.get_by_label("单位网站（选填）")
    website.fill("http://www.example.cn")
    error = page.locator("#" + website.get_attribute("aria-describedby").split()[-1])
    error.wait_for(state="visible")
    assert "格式不正确" in error.inner_text() and "https://" in error.inner_text()
    assert website.get_attribute("aria-invalid") == "true"
    website.fill("https://www.example.cn")
    error.wait_for(state="hidden")
    open_form(page, "application")
    seats = page.get_by_label("教室座位数")
    seats.fill("30万")
    error = page.locator("#" + seats.get_attribute("aria-describedby").split()[-1])
    error.wait_for(state="visible")
    assert "应为整数" in error.inner_text()


def test_catalogue_choices(page: Any) -> None:
    open_form(page, "application")
    specialties = page.locator('[data-path="/specialties"]')
    specialties.locator(":scope > button.cf-add").click()
    options = page.locator('[data-path="/specialties/0/code"] option').all_inner_texts()
    catalogue = yaml.safe_load((EXAMPLES / "cycles/2026/specialties.yaml").read_text("utf-8"))
    assert len(options) == len(catalogue["specialties"]) + 1
    first = catalogue["specialties"][0]
    assert any(o.startswith(f"{first['code']} {first['name']}") for o in options)
    # only the catalogue's levels of the chosen specialty can be ticked
    narrow = next(s for s in catalogue["specialties"] if "初级" not in s["levels"])
    page.locator('[data-path="/specialties/0/code"]').select_option(narrow["code"])
    levels = page.locator('[data-path="/specialties/0/levels"]')
    assert levels.locator('input[value="初级"]').is_disabled()
    assert levels.locator(f'input[value="{narrow["levels"][0]}"]').is_enabled()


def test_a_loaded_value_outside_the_choices_is_kept_and_flagged(
    page: Any, tmp_path: Path, plain_examples: Path
) -> None:
    source = plain_examples / CASES["institution"]
    wrong = tmp_path / "institution.yaml"
    wrong.write_text(
        source.read_text("utf-8").replace("category: ", "category: 培训学校 # ", 1), "utf-8"
    )
    open_form(page, "institution")
    page.get_by_label("载入已有的 institution.yaml").set_input_files(str(wrong))
    page.wait_for_function("document.querySelector('.cf-copied').textContent.includes('已载入')")
    category = page.get_by_label("单位性质")
    assert category.input_value() == "培训学校"
    assert category.get_attribute("aria-invalid") == "true"
    assert 'category: "培训学校"' in page.locator(".cf-output").input_value()


def test_the_writer_is_the_template_writer(page: Any, plain_examples: Path) -> None:
    """yaml-writer.js against template.py on every demo record and the blank templates."""
    open_form(page, "institution")
    schemas = {p.name: json.loads(p.read_text("utf-8")) for p in (REPO / "schemas").glob("*.json")}
    cases = []
    notes = {"self_scores": {"A1": "师资队伍建设（满分 10 分）", "Z9": "x（满分 7.5 分）"}}
    for file in sorted(plain_examples.glob("submissions/**/*.yaml")):
        data = plain(load(file))
        kind = file.stem
        cases.append(
            [kind, data, True, render(kind, "r", data, HEADER, complete=True, notes=notes)]
        )
    for kind in ("institution", "application", "assessment", "review", "cycle", "rubric"):
        cases.append([kind, {}, False, render(kind, "r", {}, HEADER, notes=notes)])
    got = page.evaluate(
        """([schemas, cases, notes]) => cases.map(([kind, data, complete]) =>
             CebaseYaml.render(kind, schemas, "r", data, {complete, notes}))""",
        [schemas, cases, notes],
    )
    differ = [c[0] for c, text in zip(cases, got, strict=True) if text != c[3]]
    assert not differ


AXE = REPO / ".cache/npm/node_modules/axe-core/axe.min.js"


@pytest.mark.skipif(
    not AXE.exists() and os.environ.get("CI") != "true", reason="axe-core missing (make test)"
)
@pytest.mark.parametrize("kind", sorted(CASES))
def test_forms_are_accessible(page: Any, kind: str) -> None:
    """WCAG 2.1 AA with the errors shown, and no sideways scroll at 200% zoom."""
    open_form(page, kind)
    page.get_by_role("button", name="检查全部").click()
    page.add_script_tag(content=AXE.read_text("utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
    )
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == []
    page.set_viewport_size({"width": 640, "height": 800})
    assert (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )


def test_self_scores_without_a_published_rubric(page: Any, site: Path) -> None:
    """Without data/rubric.json a person types each indicator and its score."""
    rubric = site / "data/rubric.json"
    saved = rubric.read_bytes()
    rubric.unlink()
    try:
        open_form(page, "assessment")
        scores = page.locator('[data-path="/self_scores"]')
        for i, (indicator, score) in enumerate([("A1", "9"), ("B2", "7.5")]):
            scores.locator(":scope > button.cf-add").click()
            page.locator(f'[data-path="/self_scores/{i}/id"]').fill(indicator)
            page.locator(f'[data-path="/self_scores/{i}/score"]').fill(score)
        page.wait_for_timeout(300)
        text = page.locator(".cf-output").input_value()
    finally:
        rubric.write_bytes(saved)
    assert "self_scores:\n  A1: 9\n  B2: 7.5\n" in text
