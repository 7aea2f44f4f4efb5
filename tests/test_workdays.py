"""Working days by the State Council calendar: holidays, 调休 and the Monday-Friday fallback."""

from __future__ import annotations

from datetime import date

import pytest

from cebase.workdays import (
    WorkCalendar,
    add_working_days,
    count_working_days,
    is_working_day,
    next_working_day,
)

D = date.fromisoformat


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2025-09-26", True),  # Friday
        ("2025-09-27", False),  # Saturday
        ("2025-09-28", True),  # Sunday, adjusted working day for National Day
        ("2025-10-01", False),  # National Day
        ("2025-10-06", False),  # Monday inside the holiday
        ("2025-10-08", False),  # Wednesday, last day of the holiday
        ("2025-10-09", True),
        ("2025-10-11", True),  # Saturday, adjusted working day
        ("2025-10-12", False),
        ("2026-02-14", True),  # Saturday, adjusted working day before Spring Festival
        ("2026-02-16", False),  # Spring Festival eve week
        ("2026-02-23", False),  # Monday, still on holiday
        ("2026-02-24", True),
        ("2026-02-28", True),  # Saturday, adjusted working day after Spring Festival
    ],
)
def test_official_calendar(day: str, working: bool) -> None:
    assert is_working_day(D(day)) is working


@pytest.mark.parametrize(
    ("start", "n", "end"),
    [
        ("2025-12-08", 5, "2025-12-12"),  # Monday start: ends Friday (the documented convention)
        ("2025-12-18", 5, "2025-12-24"),  # the demo's 公示: Thursday to next Wednesday
        ("2025-12-06", 1, "2025-12-08"),  # a Saturday start: day 1 is the next working day
        ("2025-09-26", 3, "2025-09-29"),  # Fri, Sun 28 (调休), Mon
        ("2025-09-29", 5, "2025-10-11"),  # Mon, Tue, the holiday, Thu 9, Fri 10, adjusted Sat 11
        ("2025-09-30", 3, "2025-10-10"),  # across the whole National Day week
        ("2025-10-09", 3, "2025-10-11"),  # Thu, Fri and the adjusted Saturday
        ("2026-02-12", 5, "2026-02-25"),  # Thu, Fri, Sat 14 (调休), then Tue 24, Wed 25
        ("2026-02-24", 5, "2026-02-28"),  # ends on the adjusted Saturday
    ],
)
def test_add_working_days(start: str, n: int, end: str) -> None:
    cal = WorkCalendar()
    assert cal.add_working_days(D(start), n) == D(end)
    assert cal.warnings() == []
    assert count_working_days(D(start), D(end)) == n


def test_count_across_national_day() -> None:
    # 2025-09-28 .. 2025-10-12: 28, 29, 30, 9, 10, 11
    assert count_working_days(D("2025-09-28"), D("2025-10-12")) == 6
    assert count_working_days(D("2025-10-02"), D("2025-10-01")) == 0


def test_next_working_day() -> None:
    assert next_working_day(D("2025-10-01")) == D("2025-10-09")
    assert next_working_day(D("2025-10-09")) == D("2025-10-09")


def test_period_needs_a_day() -> None:
    with pytest.raises(ValueError):
        add_working_days(D("2025-12-08"), 0)


def test_uncovered_year_falls_back_to_weekdays_and_says_so() -> None:
    cal = WorkCalendar()
    # 2030 is not in the State Council schedule the package ships
    assert cal.add_working_days(D("2030-01-04"), 2) == D("2030-01-07")  # Fri, then Mon
    assert cal.uncovered_years == {2030}
    [message] = cal.warnings()
    assert "2030" in message and "周一至周五" in message


def test_a_covered_year_gives_no_warning() -> None:
    cal = WorkCalendar()
    cal.count_working_days(D("2025-01-01"), D("2025-12-31"))
    assert cal.warnings() == []
