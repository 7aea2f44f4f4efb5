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


def test_footer_search_and_no_external_requests(site):
    home = (site / "index.html").read_text("utf-8")
    assert "主办单位" in home and "0991-3193615" in home
    assert "fonts.googleapis" not in home and "fonts.gstatic" not in home
    raw = (site / "search" / "search_index.json").read_text("utf-8")
    assert "天山区" in raw and "\\u5929" not in raw  # UTF-8, not six-byte escapes
    index = json.loads(raw)
    assert index["config"]["lang"] == ["zh"]
    tokens = {t for d in index["docs"] for t in d["text"].split("\u200b")}
    assert "天山区" in tokens  # the generated user dictionary keeps districts whole
    import re

    for f, text in site_texts(site):
        if f.suffix == ".html":
            for m in re.finditer(r'(?:src|href)="(https?:)?//([^"/]+)', text):
                # only links a reader clicks (base websites) may leave the site
                assert 'rel="noopener noreferrer"' in text[m.start() - 200 : m.end() + 200], f


def test_search_index_has_what_finds_a_base_and_no_repeats(site):
    index = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    titles: dict[str, list[str]] = {}
    for doc in index["docs"]:
        page = doc["location"].split("#")[0]
        titles.setdefault(page, []).append(doc["title"].replace("\u200b", ""))
    base_pages = [p for p in titles if p.startswith("bases/") and p != "bases/index.html"]
    assert base_pages
    for page in base_pages:  # name, 基本信息 (district, address…), 培训专业; not history
        assert titles[page][1:] == ["基本信息", "培训专业和级别"], page
    assert "bases/index.html" not in titles  # the directory only repeats the base pages
    spec_pages = [p for p in titles if p.startswith("specialties/") and "index" not in p]
    assert spec_pages and all(len(titles[p]) == 1 for p in spec_pages)


def test_user_words_segment_once_and_leave_jieba_as_found():
    import jieba

    from cebase.site.build import user_words

    before = jieba.cut
    text = "雪莲乙癸建筑科学研究院在天山区".encode()
    with user_words("雪莲乙癸 100000 nz\n"):
        first = list(jieba.cut(text))
        assert "雪莲乙癸" in first
        assert list(jieba.cut(text)) == first  # the kept segmentation, not a drained iterator
        assert list(jieba.cut(text, HMM=False))  # other call shapes still reach jieba
    assert jieba.cut is before
    with user_words(""):
        assert "雪莲乙癸" not in list(jieba.cut(text))  # words do not leak between builds


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


@pytest.mark.parametrize("broken", [False, True], ids=["clean", "invalid"])
def test_validation_beside_rendering_gives_the_same_result(
    site, tmp_path, demo_copy, monkeypatch, broken
):
    """Large registries validate in a second process while pages render; same outcome."""
    from cebase.site import build

    out = tmp_path / "site"
    shutil.copytree(site, out)
    before = _tree(out)
    if broken:
        inst = next((demo_copy / "submissions").glob("*/institution.yaml"))
        inst.write_text(
            inst.read_text("utf-8").replace("district:", "district: 不存在区\n_x:", 1), "utf-8"
        )
    result = build.build_site(demo_copy, out, date.fromisoformat(DEMO_DATE), git_dates=False)
    assert result.ok is not broken
    assert any(f.rule.startswith("schema") for f in result.findings) is broken
    if broken:
        assert _tree(out) == before
    else:
        inline = tmp_path / "inline"
        assert build.build_site(
            demo_copy, inline, date.fromisoformat(DEMO_DATE), git_dates=False
        ).ok
        assert _tree(out) == _tree(inline)


# Wrong shapes that trip the status engine when the schema check runs elsewhere.
WRONG_SHAPES = {
    "preliminary-not-a-mapping": (
        "*/2026/review.yaml",
        lambda t: re.sub(r"preliminary:\n(  .*\n)+", "preliminary: 通过\n", t, count=1),
    ),
    "date-is-a-list": (
        "*/2026/review.yaml",
        lambda t: re.sub(r"\n  date: \S+", "\n  date: [1, 2]", t, count=1),
    ),
}


@pytest.mark.parametrize("shape", sorted(WRONG_SHAPES))
def test_wrong_shape_beside_rendering_reports_findings(
    site, tmp_path, demo_copy, monkeypatch, shape
):
    """The renderer trusts shapes while the other process checks them: findings, no crash."""
    from cebase.site import build

    pattern, mutate = WRONG_SHAPES[shape]
    target = sorted((demo_copy / "submissions").glob(pattern))[0]
    text = target.read_text("utf-8")
    assert mutate(text) != text
    target.write_text(mutate(text), "utf-8")
    out = tmp_path / "site"
    shutil.copytree(site, out)
    before = _tree(out)
    result = build.build_site(demo_copy, out, date.fromisoformat(DEMO_DATE), git_dates=False)
    assert not result.ok
    assert any(f.rule == "schema-type" and f.path.endswith("review.yaml") for f in result.findings)
    assert _tree(out) == before


def test_engine_failure_leaves_previous_site(site, tmp_path, monkeypatch, capsys):
    from cebase.cli import main
    from cebase.site import build

    out = tmp_path / "site"
    shutil.copytree(site, out)
    before = _tree(out)

    def broken(config_file, now):
        (Path(config_file).parent / "site").mkdir()  # half-written output
        raise build.BuildFailed("MkDocs 生成失败（测试）")

    monkeypatch.setattr(build, "run_mkdocs", broken)
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
