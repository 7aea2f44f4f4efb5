"""`cebase build` on the demo registry: pages, notices, open data, determinism, atomicity."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from cebase import escape
from cebase.model import CERTIFIED_STATUSES, Status
from cebase.registry import scan
from cebase.status import evaluate
from tests.conftest import DEMO_DATE, EXAMPLES
from tests.site_helpers import DEMO_NOW, site_texts

pytestmark = pytest.mark.slow


def _tree(site: Path) -> dict[str, bytes]:
    return {
        f.relative_to(site).as_posix(): f.read_bytes()
        for f in sorted(site.rglob("*"))
        if f.is_file()
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cebase.cli import main

    out = tmp_path_factory.mktemp("build") / "site"
    assert main(["build", "--root", str(EXAMPLES), "--now", DEMO_DATE, "-o", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def statuses():
    return evaluate(scan(EXAMPLES), DEMO_NOW)


def test_a_page_for_every_listed_base(site, statuses):
    listed = {
        u
        for u, st in statuses.items()
        if st.status in CERTIFIED_STATUSES or st.status is Status.PROPOSED
    }
    assert listed
    pages = {p.stem for p in (site / "bases").glob("*.html")} - {"index"}
    assert pages == listed
    directory = (site / "bases" / "index.html").read_text("utf-8")
    for uscc in listed:
        assert f'href="{uscc}.html"' in directory
    revoked = {u for u, st in statuses.items() if st.status is Status.REVOKED}
    assert not revoked & pages


def test_a_page_for_every_specialty(site):
    from cebase.registry import scan as scan_

    reg = scan_(EXAMPLES)
    cycle = max(reg.cycles)
    codes = {s["code"] for s in reg.cycle_data(cycle, "specialties")["specialties"]}
    assert {p.stem for p in (site / "specialties").glob("*.html")} - {"index"} == codes


def test_notices_have_the_usual_form(site):
    notices = json.loads((site / "data" / "notices.json").read_text("utf-8"))
    kinds = {n["kind"] for n in notices["notices"]}
    assert kinds == {"proposed", "results", "revoked"}
    proposed = next(n for n in notices["notices"] if n["kind"] == "proposed")
    assert proposed["publicity"]["start"] <= proposed["publicity"]["end"]
    text = (site / "notices" / f"{proposed['id']}.html").read_text("utf-8")
    for part in (
        "根据",
        "公示期为",
        "个工作日",
        "异议",
        "0991-4656129",
        "乌鲁木齐市人力资源和社会保障局",
    ):
        assert part in text
    for entry in proposed["entries"]:
        assert escape.html(entry["name"]) in text
    feed = ET.fromstring((site / "notices" / "feed.xml").read_bytes())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert len(feed.findall("a:entry", ns)) == len(notices["notices"])


def test_open_data_parses_and_agrees(site, statuses):
    bases = json.loads((site / "data" / "bases.json").read_text("utf-8"))
    assert bases["schema_version"] and bases["generated_at"] == DEMO_DATE
    raw = (site / "data" / "bases.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["统一社会信用代码"] for r in rows] == [b["uscc"] for b in bases["bases"]]
    assert rows[0]["单位名称"] == bases["bases"][0]["name"]
    specs = json.loads((site / "data" / "specialties.json").read_text("utf-8"))
    assert specs["generated_at"] == DEMO_DATE and specs["specialties"]
    from icalendar import Calendar

    cal = Calendar.from_ical((site / "data" / "deadlines.ics").read_bytes())
    events = cal.walk("VEVENT")
    assert events and all(str(e["UID"]) for e in events)


def test_footer_and_no_external_requests(site):
    home = (site / "index.html").read_text("utf-8")
    assert "主办单位" in home and "0991-3193615" in home
    assert "fonts.googleapis" not in home and "fonts.gstatic" not in home
    for f, text in site_texts(site):
        if f.suffix == ".html":
            for m in re.finditer(r'(?:src|href)="(https?:)?//([^"/]+)', text):
                # only links a reader clicks (base websites) may leave the site
                assert 'rel="noopener noreferrer"' in text[m.start() - 200 : m.end() + 200], f


def test_search_is_pagefind_and_the_engine_search_is_gone(site):
    bundle = site / "pagefind"
    assert (bundle / "pagefind.js").is_file()
    entry = json.loads((bundle / "pagefind-entry.json").read_text("utf-8"))
    assert list(entry["languages"]) == ["zh"]  # Chinese pages, segmented by the extended build
    assert not (site / "search").exists()  # no engine index that every page would fetch
    assert not list(bundle.glob("pagefind-*ui*"))  # our own results panel, not Pagefind's
    home = (site / "index.html").read_text("utf-8")
    assert 'id="ce-search-input"' in home and "search_index.json" not in home


def _indexed(site: Path, page: str) -> str:
    """The part of a page that Pagefind indexes: its body minus ignored sections."""
    text = (site / page).read_text("utf-8")
    if "data-pagefind-body" not in text:
        return ""
    body = text.split("data-pagefind-body", 1)[1]
    return re.sub(
        r'<div class="ce-unindexed" data-pagefind-ignore="all">.*?</div>\n', "", body, flags=re.S
    )


def test_search_covers_what_finds_a_base_and_no_repeats(site):
    pages = sorted(p.relative_to(site).as_posix() for p in (site / "bases").glob("*.html"))
    base = next(p for p in pages if p != "bases/index.html")
    text = _indexed(site, base)
    assert "基本信息" in text and "培训专业和级别" in text
    assert "认定和考核记录" not in text and "网络培训平台" not in text
    assert _indexed(site, "bases/index.html") == ""  # the directory only repeats the base pages
    spec = next(p for p in (site / "specialties").glob("*.html") if p.name != "index.html")
    assert "培训该专业的基地" not in _indexed(site, spec.relative_to(site).as_posix())


def test_schemas_are_published(site):
    from cebase.schemas import KINDS, schema

    for kind in (*KINDS, "defs"):
        published = json.loads((site / "schemas" / f"{kind}.schema.json").read_text("utf-8"))
        assert published == schema(kind)


def test_same_input_same_bytes(site, tmp_path):
    from cebase.cli import main

    again = tmp_path / "again"
    assert main(["build", "--root", str(EXAMPLES), "--now", DEMO_DATE, "-o", str(again)]) == 0
    assert _tree(again) == _tree(site)


def test_failed_build_leaves_previous_site(site, tmp_path, demo_copy, capsys):
    from cebase.cli import main

    out = tmp_path / "site"
    shutil.copytree(site, out)
    before = _tree(out)
    inst = next((demo_copy / "submissions").glob("*/institution.yaml"))
    inst.write_text(
        inst.read_text("utf-8").replace("district:", "district: 不存在区\n_x:", 1), "utf-8"
    )
    assert main(["build", "--root", str(demo_copy), "--now", DEMO_DATE, "-o", str(out)]) == 1
    assert "未生成网站" in capsys.readouterr().err
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["registry", "site"]


def test_engine_failure_leaves_previous_site(site, tmp_path, monkeypatch, capsys):
    from cebase.cli import main
    from cebase.site import build

    out = tmp_path / "site"
    shutil.copytree(site, out)
    before = _tree(out)

    def broken(config_file, now, engine):
        (Path(config_file).parent / "site").mkdir()  # half-written output
        raise build.BuildFailed("MkDocs 生成失败（测试）")

    monkeypatch.setattr(build.engines, "render", broken)
    assert main(["build", "--root", str(EXAMPLES), "--now", DEMO_DATE, "-o", str(out)]) == 2
    assert "原有网站保持不变" in capsys.readouterr().err
    assert _tree(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no temporary folder left


def test_refuses_to_replace_a_folder_it_did_not_build(tmp_path, capsys):
    from cebase.cli import main

    out = tmp_path / "precious"
    out.mkdir()
    (out / "keep.txt").write_text("x", "utf-8")
    assert main(["build", "--root", str(EXAMPLES), "--now", DEMO_DATE, "-o", str(out)]) == 2
    assert (out / "keep.txt").exists() and "不是本工具生成的网站" in capsys.readouterr().err


def test_field_reference_follows_the_schemas(site):
    from cebase.schemas import schema

    text = (site / "guide" / "fields" / "institution.html").read_text("utf-8")
    for key, node in schema("institution")["properties"].items():
        assert f"<code>{key}</code>" in text
        assert node["title"] in text
    assert (
        "legal_representative</code></td><td>法定代表人</td><td>文本</td><td>是</td><td>否" in text
    )


def test_https_link_only_links_https():
    assert escape.https_link("javascript:alert(1)") == "javascript:alert(1)"
    assert escape.https_link("http://x.cn/") == "http://x.cn/"
    link = escape.https_link('https://x.cn/"onmouseover=1', "网站")
    assert "<a" not in link
    assert escape.https_link("https://x.cn/a?b=1&c=2") == (
        '<a href="https://x.cn/a?b=1&amp;c=2" rel="noopener noreferrer">https://x.cn/a?b=1&amp;c=2</a>'
    )


@pytest.mark.parametrize("value", ["=1+1", "+86", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_csv_cells_never_start_a_formula(value):
    from cebase.site.opendata import _csv_cell

    assert _csv_cell(value) == "'" + value
    assert _csv_cell("乌鲁木齐") == "乌鲁木齐"


def test_planted_formula_is_text_in_the_csv(tmp_path, demo_copy):
    from cebase.site.build import build_site

    inst = demo_copy / "submissions/12650105DEM0J0093K/institution.yaml"
    inst.write_text(
        inst.read_text("utf-8").replace(
            "address: ", """address: '=HYPERLINK("https://evil.example/")' #""", 1
        ),
        "utf-8",
    )
    assert build_site(
        demo_copy, tmp_path / "site", date.fromisoformat(DEMO_DATE), git_dates=False
    ).ok
    text = (tmp_path / "site/data/bases.csv").read_bytes().decode("utf-8-sig")
    rows = {r[0]: r for r in csv.reader(io.StringIO(text))}
    assert rows["12650105DEM0J0093K"][6].startswith("'=HYPERLINK")


def _pages_without_generator(site: Path) -> dict[str, bytes]:
    tree = _tree(site)
    return {
        path: re.sub(rb'<meta name="generator"[^>]*>', b"", data)
        for path, data in tree.items()
        if not path.endswith(".gz")  # the compressed sitemap: its text is compared instead
    }


def test_properdocs_renders_the_same_pages(site, tmp_path):
    """The second engine: the same staged pages give the same site (but for its generator tag)."""
    from cebase.site.build import build_site

    out = tmp_path / "properdocs"
    result = build_site(EXAMPLES, out, DEMO_NOW, engine="properdocs")
    assert result.ok, result.messages
    ours, theirs = _pages_without_generator(site), _pages_without_generator(out)
    assert sorted(ours) == sorted(theirs)
    differ = [p for p in ours if ours[p] != theirs[p]]
    assert differ == [], differ[:5]


def test_engine_by_option_and_environment(tmp_path, monkeypatch, capsys):
    from cebase.cli import main

    out = tmp_path / "site"
    argv = ["build", "--root", str(EXAMPLES), "--now", DEMO_DATE, "-o", str(out)]
    assert main([*argv, "--engine", "properdocs"]) == 0
    with pytest.raises(SystemExit) as usage:
        main([*argv, "--engine", "sphinx"])
    assert usage.value.code == 2
    monkeypatch.setenv("CEBASE_ENGINE", "jekyll")
    assert main(argv) == 2
    assert "不认识的网站引擎“jekyll”" in capsys.readouterr().err


@pytest.fixture
def empty_registry(tmp_path: Path) -> Path:
    """Day one: this year's cycle, nobody has applied yet."""
    root = tmp_path / "registry"
    shutil.copytree(EXAMPLES / "cycles", root / "cycles")
    (root / "submissions").mkdir()
    return root


def test_the_site_of_an_empty_registry_reads_well(empty_registry, tmp_path):
    from cebase.site.build import build_site

    out = tmp_path / "site"
    assert build_site(empty_registry, out, date(2025, 11, 5), git_dates=False).ok
    home = (out / "index.html").read_text("utf-8")
    cycle = scan(empty_registry).cycle_data("2026", "cycle")
    for part in ("尚无已认定基地", cycle["title"], "2025年11月3日发布", "2025-11-07", "办事指南"):
        assert part in home, part
    directory = (out / "bases" / "index.html").read_text("utf-8")
    assert "尚无已认定基地" in directory and "ce-directory" not in directory
    assert (out / "guide" / "index.html").is_file()
    assert "暂无公示公告" in (out / "notices" / "index.html").read_text("utf-8")


def test_a_catalogue_pending_confirmation_is_not_listed(tmp_path):
    """专业目录待公布 while specialties.yaml carries the bureau's not-confirmed mark."""
    from cebase.site.build import write_site
    from cebase.site.collect import collect
    from cebase.vocab import PENDING_CONFIRMATION

    reg = scan(EXAMPLES)
    data = collect(reg, evaluate(reg, DEMO_NOW), DEMO_NOW, git_dates=False)
    data.catalogue["status"] = PENDING_CONFIRMATION
    out = tmp_path / "site"
    write_site(data, out, DEMO_NOW)
    index = (out / "specialties" / "index.html").read_text("utf-8")
    assert "专业目录待公布" in index and "ce-table" not in index
    assert [p.name for p in (out / "specialties").glob("*.html")] == ["index.html"]
    assert "待公布" in (out / "index.html").read_text("utf-8")
    for page in (out / "bases").glob("*.html"):
        assert not re.search(r'href="\.\./specialties/(?!index)', page.read_text("utf-8")), page


def test_a_wheel_install_builds_the_demo_from_another_folder(tmp_path):
    """Schemas, mkdocs.yml, pages, templates and theme overrides travel in the wheel."""
    import subprocess
    import sys

    from tests.conftest import REPO

    src = tmp_path / "src"
    junk = shutil.ignore_patterns(".venv", ".git", ".cache", "build", "*.egg-info", "__pycache__")
    shutil.copytree(REPO, src, symlinks=True, ignore=junk)
    wheels, venv, elsewhere = tmp_path / "wheels", tmp_path / "venv", tmp_path / "elsewhere"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(src)], check=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    wheel = next(wheels.glob("cebase-*.whl"))
    py = venv / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "-q", "install", str(wheel)], check=True)
    shutil.rmtree(src)  # nothing may be read from the source tree
    elsewhere.mkdir()
    done = subprocess.run(
        [
            str(venv / "bin" / "cebase"),
            "build",
            "--root",
            str(EXAMPLES),
            "--now",
            DEMO_DATE,
            "-o",
            "site",
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    site = elsewhere / "site"
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert "尚无已认定基地" not in (site / "index.html").read_text("utf-8")
    assert sorted(p.name for p in (site / "schemas").glob("*.json")) == sorted(
        p.name for p in (REPO / "schemas").glob("*.schema.json")
    )
    assert (site / "guide" / "index.html").is_file() and (site / "assets/js/search.js").is_file()


def _wrong_uscc(root: Path) -> None:
    """An error only a rule sees: the record's USCC is not its folder's."""
    inst = root / "submissions" / "12650102DEM0B0022P" / "institution.yaml"
    text = inst.read_text("utf-8")
    assert 'uscc: "12650102DEM0B0022P"' in text
    inst.write_text(text.replace("12650102DEM0B0022P", "91650102000000019F", 1), "utf-8")


def test_rules_beside_the_pages_give_the_same_site(site, tmp_path, monkeypatch):
    """Loading in two processes and the rules in a third give the same bytes."""
    from cebase import speed, validate
    from cebase.site.build import build_site

    monkeypatch.setattr(speed, "cores", lambda: 2)  # the mechanics, on any machine
    if not speed.available():
        pytest.skip("another thread runs in this test process: forking is refused")
    monkeypatch.setattr(validate, "SPLIT_AT", 0)
    result = build_site(EXAMPLES, tmp_path / "split", DEMO_NOW, git_dates=False)
    assert result.ok, [f.location() for f in result.findings]
    assert _tree(tmp_path / "split") == _tree(site)


@pytest.mark.parametrize("split_at", [0, 10**9])
def test_a_rule_error_stops_the_build_before_the_engine(demo_copy, tmp_path, monkeypatch, split_at):
    from cebase import speed, validate
    from cebase.site import build

    _wrong_uscc(demo_copy)
    monkeypatch.setattr(speed, "cores", lambda: 2)
    monkeypatch.setattr(validate, "SPLIT_AT", split_at)
    rendered = []
    monkeypatch.setattr(build.engines, "render", lambda *a: rendered.append(a))
    result = build.build_site(demo_copy, tmp_path / "site", DEMO_NOW, git_dates=False)
    assert not result.ok
    assert [f.rule for f in result.findings if f.severity.name == "ERROR"] == ["folder-uscc"]
    assert rendered == []
    assert not (tmp_path / "site").exists()


def test_statuses_that_stumble_on_a_refused_registry_report_the_rules(demo_copy, tmp_path):
    from cebase.site.build import build_site

    def stumbles(reg, now):
        raise KeyError("a value the rules refused")

    _wrong_uscc(demo_copy)
    result = build_site(demo_copy, tmp_path / "site", DEMO_NOW, evaluate=stumbles, git_dates=False)
    assert not result.ok
    assert "folder-uscc" in {f.rule for f in result.findings}
    with pytest.raises(KeyError):  # on a clean registry the failure is ours, and shown
        build_site(EXAMPLES, tmp_path / "site", DEMO_NOW, evaluate=stumbles, git_dates=False)


def test_each_stage_is_announced_as_it_starts(tmp_path):
    from cebase.cli.build import STAGES
    from cebase.site.build import build_site

    heard: list[str] = []
    result = build_site(
        EXAMPLES, tmp_path / "site", DEMO_NOW, git_dates=False, progress=heard.append
    )
    assert result.ok
    assert heard == ["validate", "status", "pages", "rules", "engine", "search", "publish"]
    assert set(heard) <= set(STAGES)  # each has its Chinese words on the terminal


def test_hints_are_counted_not_listed(tmp_path, run_cli):
    """The sealed demo has a hint for every check that waits for the bureau's key: the
    build says how many, `cebase validate` lists them."""
    from cebase.validate import validate_root

    hints = validate_root(EXAMPLES, now=DEMO_NOW).findings
    assert hints and all(f.severity.name == "INFO" for f in hints)
    code, out, err = run_cli(
        "build", "--root", str(EXAMPLES), "--now", DEMO_DATE, "-o", str(tmp_path / "s")
    )
    assert code == 0 and "info[" not in out
    assert f"另有 {len(hints)} 条提示" in err and "cebase validate" in err
