"""Working days by China's official calendar (State Council holidays and 调休).

The calendar comes from the maintained ``chinese_calendar`` package, never a
hand-written list. It only knows the years the State Council has announced;
for any other year we fall back to Monday-Friday and remember the year, so
callers can show a warning instead of silently trusting a guess.

Convention for periods (公示期, 整改期限): the start day is day 1 when it is a
working day; otherwise day 1 is the first working day after it. A 5-working-day
公示 starting on a Monday of an ordinary week ends on that Friday.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

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
        if not self.uncovered_years:
            return []
        years = "、".join(str(y) for y in sorted(self.uncovered_years))
        return [
            f"chinesecalendar 尚未收录 {years} 年的国务院节假日和调休安排，"
            "这些年份的工作日暂按周一至周五计算。国务院公布安排后请升级 chinesecalendar 并复核相关日期。"
        ]


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
