"""The bureau's own files: marks of content still to confirm, and the holidays a cycle declares."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from ..findings import Finding, Severity
from ..registry import Record
from ..vocab import PENDING_CONFIRMATION, publicity_period
from ..workdays import undeclared_year_message
from . import Context, at, rule

# What each kind of cycle file leaves open while it carries the mark.
PENDING_WHAT: Mapping[str, str] = {
    "cycle": "通知未规定公示天数、认定有效期、计分方法、分数线和整改期限",
    "rubric": "通知正文未附评估表（附件2）的指标满分、总分和一票否决项",
    "specialties": "通知正文未附《专业一览表》（附件4）的专业清单",
}
SATURDAY = 5


@rule("cycle-pending", "cycle", "rubric", "specialties", on_invalid=True)
def check_pending(rec: Record, ctx: Context) -> Iterator[Finding]:
    """A cycle file still marked 待市人社局确认 is a warning until the bureau confirms it."""
    data = rec.data
    if isinstance(data, dict) and data.get("status") == PENDING_CONFIRMATION:
        yield at(
            rec,
            ("status",),
            "cycle-pending",
            f"本文件标有“{PENDING_CONFIRMATION}”：{PENDING_WHAT[rec.kind]}，"
            "这些内容暂缺，不作评分和计算依据。市人社局确认后，请按文件中的注释补全，"
            "并删除 status 这一行。",
            severity=Severity.WARNING,
        )


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


@rule("holiday-declaration", "cycle")
def check_holidays(rec: Record, ctx: Context) -> Iterator[Finding]:
    """Declared holidays lie in (or next to) their year, end after they start, 调休 days are weekends."""
    for i, entry in enumerate(rec.data.get("holidays") or []):
        year = entry["year"]
        for j, off in enumerate(entry["days_off"]):
            start, end = _day(off["start"]), _day(off["end"])
            if start is None or end is None:
                continue
            if end < start:
                yield at(
                    rec,
                    ("holidays", i, "days_off", j, "end"),
                    "holiday-declaration",
                    f"{off['name']}放假结束日期 {end} 早于开始日期 {start}。请照国务院办公厅通知改正。",
                )
            elif not (year - 1 <= start.year and end.year == year):
                yield at(
                    rec,
                    ("holidays", i, "days_off", j, "start"),
                    "holiday-declaration",
                    f"{off['name']}放假 {start} 至 {end} 不在所声明的 {year} 年。"
                    f"请把它写在 year: {start.year} 的安排下，或改正日期。",
                )
        for j, value in enumerate(entry["workdays"]):
            day = _day(value)
            if day is not None and (day.year != year or day.weekday() < SATURDAY):
                yield at(
                    rec,
                    ("holidays", i, "workdays", j),
                    "holiday-declaration",
                    f"调休上班日 {day} 应是 {year} 年的周六或周日（平日本来就上班）。"
                    "请照国务院办公厅通知改正。",
                )


@rule("calendar-undeclared", "review")
def check_calendar(rec: Record, ctx: Context) -> Iterator[Finding]:
    """A 公示 reaching a year neither chinesecalendar nor any cycle declares is a warning naming it."""
    pub = rec.data.get("publicity")
    start = _day(pub.get("start")) if isinstance(pub, dict) else None
    if start is None:
        return
    cycle = ctx.cycle(str(rec.data.get("cycle"))) or {}
    days = pub.get("working_days") or (cycle.get("publicity") or {}).get("working_days")
    if not isinstance(days, int) or days < 1:
        return  # the cycle has not set the 公示 length yet (待市人社局确认)
    cal = ctx.calendar()
    period = publicity_period(start, days, cal)
    for year in sorted(cal.uncovered_years):
        yield at(
            rec,
            ("publicity", "start"),
            "calendar-undeclared",
            f"公示期 {period.start} 起 {days} 个工作日（暂算至 {period.end}）跨入 {year} 年。"
            + undeclared_year_message(year),
            severity=Severity.WARNING,
        )
