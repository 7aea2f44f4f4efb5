"""Dates in the records are not ahead of the date of the run (``--now``)."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Severity, field_path
from ..registry import Record
from ..vocab import Kind, parse_day
from . import Context, at, leaf_path, rule, strings

# Keys whose dates are limits set ahead on purpose, not events.
LIMITS = frozenset({"rectification_deadline", "until", "valid_until", "deadlines"})


@rule(
    "date-after-now", Kind.APPLICATION, Kind.ASSESSMENT, Kind.REVIEW, Kind.INSTITUTION, Kind.CYCLE
)
def check_future_dates(rec: Record, ctx: Context) -> Iterator[Finding]:
    """No event is recorded with a date after the date of the run."""
    if ctx.now is None:
        return
    for path, key, text in strings(rec, ctx):
        day = parse_day(text) if len(text) == 10 else None
        if day is None or day <= ctx.now or key in LIMITS or set(path) & LIMITS:
            continue
        full = leaf_path(path, key)
        yield at(
            rec,
            full,
            "date-after-now",
            f"{field_path(full)} 的日期 {day} 晚于今天（{ctx.now}）。在这一天之前，状态、网站和开放数据都不会计入这一事项；"
            "如属录入错误，请改为实际发生的日期。",
            severity=Severity.WARNING,
        )
