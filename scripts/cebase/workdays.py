"""Working days by China's official calendar (State Council holidays and 调休).

The calendar comes from the maintained ``chinese_calendar`` package, never a
hand-written list. It only knows the years the State Council has announced;
for any other year we fall back to Monday-Friday and remember the year, so
callers can show a warning instead of silently trusting a guess. A cycle may
declare the State Council's schedule for such a year (``holidays`` in
cycle.yaml); ``declared_days`` turns the declarations into the days that win
over the package, every day of each declared year.

Convention for periods (公示期, 整改期限): the start day is day 1 when it is a
working day; otherwise day 1 is the first working day after it. A 5-working-day
公示 starting on a Monday of an ordinary week ends on that Friday.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any, Protocol

import chinese_calendar

ONE_DAY = timedelta(days=1)
MAX_SPAN_DAYS = 3660  # ten years: far beyond any 公示 or rectification period


class WorkCalendar:
    """Working-day arithmetic that records which years it had to guess."""

    def __init__(self, declared: Mapping[date, bool] | None = None) -> None:
        # days a cycle declares (True: working day, False: holiday) win over the package
        self.declared: Mapping[date, bool] = declared or {}
        self.uncovered_years: set[int] = set()

    def is_working_day(self, day: date) -> bool:
        if day in self.declared:
            return self.declared[day]
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            # the package has no State Council schedule for this year yet
            self.uncovered_years.add(day.year)
            return day.weekday() < 5

    def next_working_day(self, day: date) -> date:
        """``day`` itself when it is a working day, else the first working day after it."""
        for _ in range(MAX_SPAN_DAYS):
            if self.is_working_day(day):
                return day
            day += ONE_DAY
        raise ValueError(f"no working day within {MAX_SPAN_DAYS} days of {day}")

    def add_working_days(self, start: date, n: int) -> date:
        """The last day of a period of ``n`` working days beginning at ``start``."""
        if n < 1:
            raise ValueError("a period has at least one working day")
        day = self.next_working_day(start)
        counted = 1
        while counted < n:
            day = self.next_working_day(day + ONE_DAY)
            counted += 1
        return day

    def count_working_days(self, start: date, end: date) -> int:
        """Working days from ``start`` to ``end``, both included (0 when end < start)."""
        if (end - start).days > MAX_SPAN_DAYS:
            raise ValueError("span too long")
        n, day = 0, start
        while day <= end:
            n += self.is_working_day(day)
            day += ONE_DAY
        return n

    def warnings(self) -> list[str]:
        """Chinese messages for the years computed Monday-Friday, for the caller to surface."""
        return [undeclared_year_message(y) for y in sorted(self.uncovered_years)]


def undeclared_year_message(year: int) -> str:
    """The warning for one year neither the package nor any cycle knows (names the year)."""
    return (
        f"chinesecalendar 尚未收录 {year} 年的国务院节假日和调休安排，cycle.yaml 也未声明，"
        f"{year} 年的工作日暂按周一至周五计算。国务院办公厅公布 {year} 年节假日安排后，"
        f"请在当年周期的 cycle.yaml 的 holidays 中按通知声明放假日和调休上班日"
        f"（或升级 chinesecalendar），再复核相关日期。"
    )


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _whole_year(year: int) -> dict[date, bool]:
    first = date(year, 1, 1)
    return {
        first + timedelta(n): (first + timedelta(n)).weekday() < 5
        for n in range((date(year + 1, 1, 1) - first).days)
    }


def _listed(entry: Mapping[str, Any]) -> Iterable[tuple[date, bool]]:
    """The days one year's declaration names: holidays off, 调休 days on."""
    for off in entry.get("days_off") or []:
        if not isinstance(off, Mapping):
            continue  # the schema reports it
        start, end = _day(off.get("start")), _day(off.get("end"))
        if start is None or end is None or (end - start).days > MAX_SPAN_DAYS:
            continue
        for n in range((end - start).days + 1):
            yield start + timedelta(n), False
    for value in entry.get("workdays") or []:
        if (day := _day(value)) is not None:
            yield day, True


def declared_days(cycle_datas: Iterable[Mapping[str, Any] | None]) -> dict[date, bool]:
    """The days the cycles' ``holidays`` declare (True: working day), for ``WorkCalendar``.

    A declared year is declared whole, so it never falls back to the guess
    (days it does not list are Monday-Friday); a holiday the notice starts in
    the year before (元旦 sometimes does) counts as listed. When two cycles
    declare the same day, the later cycle wins.
    """
    entries = [
        e
        for data in cycle_datas
        for e in (data or {}).get("holidays") or []
        if isinstance(e, Mapping) and isinstance(e.get("year"), int) and 1 <= e["year"] <= 9998
    ]
    out: dict[date, bool] = {}
    for e in entries:  # weekdays of every declared year first ...
        out.update(_whole_year(e["year"]))
    for e in entries:  # ... then the listed days, which may reach into the next or last year
        out.update(_listed(e))
    return out


def is_working_day(day: date, cal: WorkCalendar | None = None) -> bool:
    return (cal or WorkCalendar()).is_working_day(day)


def next_working_day(day: date, cal: WorkCalendar | None = None) -> date:
    return (cal or WorkCalendar()).next_working_day(day)


def add_working_days(start: date, n: int, cal: WorkCalendar | None = None) -> date:
    """Last day of an ``n``-working-day period from ``start`` (start is day 1 if it is a working day).

    Pass a ``WorkCalendar`` to learn afterwards whether a year had to be guessed.
    """
    return (cal or WorkCalendar()).add_working_days(start, n)


def count_working_days(start: date, end: date, cal: WorkCalendar | None = None) -> int:
    return (cal or WorkCalendar()).count_working_days(start, end)


class _Cycles(Protocol):
    cycles: Mapping[str, Any]

    def cycle_data(self, cycle: str, kind: str) -> Mapping[str, Any] | None: ...


def calendar_of(reg: _Cycles) -> WorkCalendar:
    """A registry's working-day calendar: the package's, with every cycle's declared days."""
    return WorkCalendar(declared_days(reg.cycle_data(c, "cycle") for c in sorted(reg.cycles)))
