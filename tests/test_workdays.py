"""Working days by the State Council calendar: holidays, 调休 and the Monday-Friday fallback."""

from __future__ import annotations

from datetime import date

import pytest

from cebase.workdays import (
    WorkCalendar,
    add_working_days,
    count_working_days,
    declared_days,
    is_working_day,
    next_working_day,
)

from .conftest import FIXTURES

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


# ---------------------------------------------------------------- declared years


def _cycle(name: str) -> dict:
    from cebase.loader import load_yaml_file

    doc = load_yaml_file(FIXTURES / "cycle" / name, name).document
    assert doc is not None
    return doc.data


def test_a_declared_holiday_moves_the_publicity_end() -> None:
    from cebase.vocab import publicity_period

    start = D("2026-12-28")  # Monday; 2026 is in the package, 2027 is not
    guessed = WorkCalendar()
    before = publicity_period(start, 5, guessed)
    assert before.end == D("2027-01-01")  # Mon-Thu, then Friday 1 January guessed a working day
    assert guessed.uncovered_years == {2027}
    declared = WorkCalendar(declared_days([_cycle("holidays-2027.yaml")]))
    after = publicity_period(start, 5, declared)
    assert after.end == D("2027-01-04")  # New Year's Day off: the fifth day is Monday
    assert declared.warnings() == []


def test_a_declared_year_is_whole() -> None:
    days = declared_days([_cycle("holidays-2027.yaml")])
    assert len(days) == 365 and {d.year for d in days} == {2027}
    cal = WorkCalendar(days)
    assert cal.is_working_day(D("2027-01-09"))  # the adjusted Saturday
    assert not cal.is_working_day(D("2027-01-10"))  # an ordinary Sunday
    assert cal.is_working_day(D("2027-06-15"))  # a Tuesday the declaration does not list
    assert cal.uncovered_years == set()


def test_declared_days_win_over_the_package() -> None:
    # a declaration of a year the package knows replaces it (the cycle quotes the notice)
    day = D("2025-10-01")
    assert not is_working_day(day)
    entry = {"year": 2025, "source": "测试", "days_off": [], "workdays": ["2025-10-01"]}
    assert WorkCalendar(declared_days([{"holidays": [entry]}])).is_working_day(day)


def test_a_holiday_starting_the_year_before_counts() -> None:
    entry = {
        "year": 2027,
        "source": "测试",
        "days_off": [{"name": "元旦", "start": "2026-12-31", "end": "2027-01-01"}],
        "workdays": [],
    }
    days = declared_days([{"holidays": [entry]}, None, {}])
    assert days[D("2026-12-31")] is False and days[D("2027-01-01")] is False


def test_the_undeclared_warning_names_the_year_and_the_fix() -> None:
    cal = WorkCalendar()
    cal.add_working_days(D("2027-03-01"), 3)
    [message] = cal.warnings()
    assert "2027 年" in message and "holidays" in message and "cycle.yaml" in message
