"""Rules on the bureau's files: the 待市人社局确认 mark, declared holidays, undeclared years."""

from __future__ import annotations

from pathlib import Path

import pytest

from cebase.findings import Severity
from cebase.registry import scan
from cebase.validate import validate
from cebase.vocab import PENDING_CONFIRMATION

from .conftest import FIXTURES

REVIEW = "submissions/91650106DEM0E0053R/2026/review.yaml"  # a 5-working-day 公示 from 2025-12-18
CYCLE = "cycles/2026/cycle.yaml"


def findings(root: Path, rule: str) -> list[str]:
    return [
        f"{f.path}:{f.line}: {f.severity} {f.message}"
        for f in validate(scan(root)).findings
        if f.rule == rule
    ]


def append(root: Path, rel: str, fixture: str) -> None:
    with (root / rel).open("a", encoding="utf-8") as f:
        f.write("\n" + (FIXTURES / "cycle" / fixture).read_text("utf-8"))


def move_publicity(root: Path, start: str) -> None:
    review = root / REVIEW
    text = review.read_text("utf-8")
    assert "  start: 2025-12-18\n" in text
    review.write_text(text.replace("  start: 2025-12-18\n", f"  start: {start}\n"), "utf-8")


def test_the_demo_has_no_pending_mark_and_no_calendar_warning(demo_copy: Path) -> None:
    assert findings(demo_copy, "cycle-pending") == []
    assert findings(demo_copy, "calendar-undeclared") == []


@pytest.mark.parametrize("name", ["cycle", "rubric", "specialties"])
def test_a_pending_mark_is_a_warning_at_the_mark(demo_copy: Path, name: str) -> None:
    path = demo_copy / "cycles" / "2026" / f"{name}.yaml"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    # the mark goes right after the comment header, as the root's files carry it
    at = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    lines.insert(at, f"status: {PENDING_CONFIRMATION}\n")
    path.write_text("".join(lines), "utf-8")
    [found] = findings(demo_copy, "cycle-pending")
    assert found.startswith(f"cycles/2026/{name}.yaml:{at + 1}: warning ")
    assert PENDING_CONFIRMATION in found and "删除 status" in found
    assert not any(f.severity is Severity.ERROR for f in validate(scan(demo_copy)).findings)


def test_a_publicity_reaching_an_undeclared_year_is_a_warning_naming_it(demo_copy: Path) -> None:
    move_publicity(demo_copy, "2026-12-28")
    [found] = findings(demo_copy, "calendar-undeclared")
    assert found.startswith(f"{REVIEW}:53: warning ")
    assert "跨入 2027 年" in found and "暂算至 2027-01-01" in found
    assert "holidays" in found  # says how to fix it


def test_declaring_the_year_silences_the_warning(demo_copy: Path) -> None:
    move_publicity(demo_copy, "2026-12-28")
    append(demo_copy, CYCLE, "holidays-2027.yaml")
    assert findings(demo_copy, "calendar-undeclared") == []
    assert findings(demo_copy, "holiday-declaration") == []
    assert not any(f.severity is Severity.ERROR for f in validate(scan(demo_copy)).findings)


def test_a_publicity_inside_known_years_gives_no_warning(demo_copy: Path) -> None:
    move_publicity(demo_copy, "2026-12-21")  # ends on Friday 25 December 2026
    assert findings(demo_copy, "calendar-undeclared") == []


def test_mistakes_in_a_declaration_are_errors_at_the_date(demo_copy: Path) -> None:
    before = len((demo_copy / CYCLE).read_text("utf-8").splitlines())
    append(demo_copy, CYCLE, "bad-holidays.yaml")
    got = findings(demo_copy, "holiday-declaration")
    # line numbers within the snippet, which follows one blank line
    lines = [int(g.split(":")[1]) - before - 1 for g in got]
    assert lines == [9, 11, 13]  # the end of 元旦, the start of 春节, the weekday 调休
    assert all(": error " in g for g in got)
    assert "早于开始日期" in got[0] and "不在所声明的 2027 年" in got[1] and "周六或周日" in got[2]
