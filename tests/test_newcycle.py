"""``cebase new cycle``: next year's cycle, its incumbents read from the status engine."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from cebase.findings import Severity
from cebase.loader import load_yaml_file
from cebase.model import CERTIFIED_STATUSES
from cebase.registry import scan
from cebase.status import evaluate
from cebase.validate import validate
from cebase.vocab import PENDING_CONFIRMATION

from .conftest import DEMO_DATE, REPO

# The blanks the new notice fills, and what the test writes into them.
FILL = {
    "title:\n": "title: 关于开展2026年度基地考核和2027年度基地申报工作有关事宜的通知（测试）\n",
    "issued:\n": "issued: 2026-11-02\n",
    "  application:\n": "  application: 2026-11-13\n",
    "  assessment:\n": "  assessment: 2026-11-13\n",
}


def certified(root: Path, now: str) -> set[str]:
    statuses = evaluate(scan(root), date.fromisoformat(now))
    return {u for u, s in statuses.items() if s.status in CERTIFIED_STATUSES}


def read(root: Path, rel: str) -> dict:
    doc = load_yaml_file(root / rel, rel).document
    assert doc is not None
    return doc.data


def fill_dates(root: Path) -> None:
    path = root / "cycles" / "2027" / "cycle.yaml"
    text = path.read_text("utf-8")
    for blank, filled in FILL.items():
        assert text.count(blank) == 1, blank
        text = text.replace(blank, filled)
    path.write_text(text, "utf-8")


def errors(root: Path) -> list[str]:
    return [
        f"{f.path}:{f.line}: {f.rule}"
        for f in validate(scan(root)).findings
        if f.severity is Severity.ERROR
    ]


@pytest.mark.parametrize("now", [DEMO_DATE, "2026-10-15", "2027-06-01"])
def test_incumbents_are_exactly_the_bases_the_engine_calls_certified(
    demo_copy: Path, run_cli, now: str
) -> None:
    expected = certified(demo_copy, now)
    everyone = set(scan(demo_copy).institutions)
    assert expected and expected < everyone  # the demo has bases that are not certified
    code, out, err = run_cli(
        "new", "cycle", "2027", "--from", "2026", "--now", now, "--root", str(demo_copy)
    )
    assert (code, err) == (0, "")
    assert f"既有基地 {len(expected)} 个" in out
    fill_dates(demo_copy)
    incumbents = read(demo_copy, "cycles/2027/cycle.yaml")["incumbents"]
    assert {i["uscc"] for i in incumbents} == expected
    # listing them in the new notice changes nobody's standing on that date
    assert certified(demo_copy, now) == expected


def test_incumbents_keep_their_certification_and_specialties(demo_copy: Path, run_cli) -> None:
    now = "2026-10-15"
    statuses = evaluate(scan(demo_copy), date.fromisoformat(now))
    run_cli("new", "cycle", "2027", "--now", now, "--root", str(demo_copy))
    fill_dates(demo_copy)
    for inc in read(demo_copy, "cycles/2027/cycle.yaml")["incumbents"]:
        s = statuses[inc["uscc"]]
        assert inc["certified_on"] == s.certified_on
        assert {i["code"]: i["levels"] for i in inc.get("specialties", [])} == s.specialties


def test_the_new_cycle_validates_once_its_dates_are_filled(demo_copy: Path, run_cli) -> None:
    code, _, _ = run_cli(
        "new", "cycle", "2027", "--from", "2026", "--now", "2026-10-15", "--root", str(demo_copy)
    )
    assert code == 0
    blank = errors(demo_copy)
    assert [e.split(":")[0] for e in blank] == ["cycles/2027/cycle.yaml"] * len(FILL)
    fill_dates(demo_copy)
    assert errors(demo_copy) == []
    code, _, _ = run_cli("validate", "--root", str(demo_copy))
    assert code == 0


def test_contacts_and_rules_are_carried_over(demo_copy: Path, run_cli) -> None:
    run_cli(
        "new", "cycle", "2027", "--from", "2026", "--now", "2026-10-15", "--root", str(demo_copy)
    )
    fill_dates(demo_copy)
    old, new = read(demo_copy, "cycles/2026/cycle.yaml"), read(demo_copy, "cycles/2027/cycle.yaml")
    for key in ("issuer", "legal_basis", "contacts", "publicity", "certification", "scoring"):
        assert new[key] == old[key], key
    for key in ("grades", "application_pass", "rectification", "site"):
        assert new[key] == old[key], key
    assert "extensions" not in new  # extensions belong to one round
    assert new["assessed_year"] == old["assessed_year"] + 1
    for name in ("rubric", "specialties", "checklists"):
        assert read(demo_copy, f"cycles/2027/{name}.yaml") == read(
            demo_copy, f"cycles/2026/{name}.yaml"
        )


def test_the_new_cycle_explains_the_blanks_and_the_unknown_year(demo_copy: Path, run_cli) -> None:
    run_cli("new", "cycle", "2027", "--now", "2026-10-15", "--root", str(demo_copy))
    text = (demo_copy / "cycles" / "2027" / "cycle.yaml").read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/cycle.schema.json\n")
    assert "# 新通知的落款日期" in text and "# 截止日期：新通知规定" in text
    # chinesecalendar lacks 2027: the file shows how to declare it
    assert "# chinesecalendar 尚未收录 2027 年" in text and "# holidays:" in text


def test_an_existing_cycle_is_never_overwritten(demo_copy: Path, run_cli) -> None:
    before = (demo_copy / "cycles" / "2026" / "cycle.yaml").read_bytes()
    code, _, err = run_cli("new", "cycle", "2026", "--from", "2026", "--root", str(demo_copy))
    assert code == 1 and "已存在" in err
    assert (demo_copy / "cycles" / "2026" / "cycle.yaml").read_bytes() == before


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["2027", "--from", "2025"], "cycles/2025/cycle.yaml 不存在或未通过校验"),
        (["27"], "四位数字"),
        ([], "四位数字"),
    ],
)
def test_usage_errors(demo_copy: Path, run_cli, argv: list[str], says: str) -> None:
    code, out, err = run_cli("new", "cycle", *argv, "--root", str(demo_copy))
    assert code == 2 and says in err and out == ""
    assert not (demo_copy / "cycles" / "2027").exists()


def test_application_templates_still_need_a_code(demo_copy: Path, run_cli) -> None:
    code, _, err = run_cli("new", "application", "--cycle", "2026", "--root", str(demo_copy))
    assert code == 2 and "--code" in err


def test_a_pending_cycle_passes_its_mark_on(tmp_path: Path, run_cli) -> None:
    root = tmp_path / "root"
    shutil.copytree(REPO / "cycles", root / "cycles")
    shutil.copytree(REPO / "submissions", root / "submissions")
    code, out, _ = run_cli("new", "cycle", "2027", "--now", "2026-10-15", "--root", str(root))
    assert code == 0 and "既有基地 0 个" in out
    fill_dates(root)
    new = read(root, "cycles/2027/cycle.yaml")
    assert new["status"] == PENDING_CONFIRMATION and new["incumbents"] == []
    assert errors(root) == []
