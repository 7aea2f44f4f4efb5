"""Rules on decisions and holdings: each negative fixture gives exactly its findings, word for word."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from cebase.registry import scan
from cebase.rules.decisions import _not_working
from cebase.validate import validate
from cebase.workdays import WorkCalendar

from .conftest import EXAMPLES, FIXTURES, copy_cycles

CASES = sorted(p for p in (FIXTURES / "decisions").iterdir() if p.is_dir())
NEW_RULES = {
    "approved-not-applied",
    "assessment-not-base",
    "assessment-year",
    "date-after-now",
    "publicity-start-workday",
    "review-approvals",
    "specialty-already-held",
    "specialty-duplicate",
    "specialty-zone-level",
}


def _check(case: Path, tmp_path: Path) -> list[str]:
    root = tmp_path / case.name
    copy_cycles(root / "cycles")
    shutil.copytree(case / "submissions", root / "submissions")
    now_file = case / "now.txt"
    now = date.fromisoformat(now_file.read_text().strip()) if now_file.is_file() else None
    return [
        f"{f.location()}: {f.severity}[{f.rule}] {f.message}"
        for f in validate(scan(root), now=now).findings
    ]


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_negative_case_gives_exactly_its_findings(case: Path, tmp_path: Path) -> None:
    expected = (case / "expected.txt").read_text("utf-8").splitlines()
    assert _check(case, tmp_path) == expected


def test_every_new_rule_has_a_case() -> None:
    seen = {
        line.split("[", 1)[1].split("]", 1)[0]
        for case in CASES
        for line in (case / "expected.txt").read_text("utf-8").splitlines()
    }
    assert seen == NEW_RULES


@pytest.mark.parametrize(
    ("start", "finding"),
    [
        ("2025-12-06", "是星期六"),  # Saturday
        ("2025-10-01", "是法定节假日"),  # National Day, a Wednesday
        ("2025-09-28", None),  # a Sunday made a working day (调休)
        ("2025-12-08", None),  # an ordinary Monday
    ],
)
def test_publicity_start_follows_the_state_council_calendar(
    start: str, finding: str | None, tmp_path: Path
) -> None:
    case = FIXTURES / "decisions" / "publicity-start-workday"
    copy = tmp_path / "src" / "publicity"
    shutil.copytree(case, copy)
    review = next((copy / "submissions").glob("*/2026/review.yaml"))
    review.write_text(
        review.read_text("utf-8").replace("start: 2025-12-06", f"start: {start}"), "utf-8"
    )
    got = [line for line in _check(copy, tmp_path) if "publicity-start-workday" in line]
    assert [finding in line for line in got] == ([True] if finding else [])


def test_weekend_is_named_before_holiday() -> None:
    assert _not_working(date(2025, 10, 4), WorkCalendar()) == "星期六"


def test_demo_registry_has_none_of_these_findings() -> None:
    findings = validate(scan(EXAMPLES), now=date(2026, 6, 1)).findings
    assert [f for f in findings if f.rule in NEW_RULES] == []
