"""The domain's words and the arithmetic of its dates: one home for each.

Every decision word, kind of record, level, the China time zone, the deadline
of a submission (cycle deadline plus the bureau's extensions) and the end of a
公示 period are defined here and imported everywhere else. Values are the
bureau's Chinese terms, as written in the data files; identifiers are English.
Nothing here reads a file or the clock: the caller passes the date.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from .workdays import WorkCalendar

# Urumqi keeps Beijing time officially; deadlines and 公示 dates are Beijing dates.
CHINA_TZ = timezone(timedelta(hours=8), "CST")


def today_in_china(now: datetime | None = None) -> date:
    """The Beijing date of ``now`` (an aware datetime; only the CLI passes the real clock)."""
    moment = now if now is not None else datetime.now(CHINA_TZ)
    return moment.astimezone(CHINA_TZ).date()


class Decision(enum.StrEnum):
    """Outcomes the bureau records in ``review.yaml`` (and the 初审 results)."""

    EXCELLENT = "优秀"
    PASS = "合格"
    RECTIFY = "限期整改"
    REVOKED = "取消资格"
    PROPOSED = "拟认定"
    REFUSED = "不予认定"
    RETURNED = "退回"
    PRELIMINARY_PASSED = "通过"


ASSESSMENT_DECISIONS = (Decision.EXCELLENT, Decision.PASS, Decision.RECTIFY, Decision.REVOKED)
APPLICATION_DECISIONS = (Decision.PROPOSED, Decision.REFUSED, Decision.RETURNED)
PRELIMINARY_RESULTS = (Decision.PRELIMINARY_PASSED, Decision.RETURNED)
RECHECK_RESULTS = (Decision.PASS, Decision.REVOKED)


class CheckResult(enum.StrEnum):
    """A checklist item's answer."""

    PASSED = "通过"
    FAILED = "不通过"
    NOT_APPLICABLE = "不适用"


class Kind(enum.StrEnum):
    """Kinds of record; each has a schema of the same name."""

    INSTITUTION = "institution"
    APPLICATION = "application"
    ASSESSMENT = "assessment"
    REVIEW = "review"
    CYCLE = "cycle"
    SPECIALTIES = "specialties"
    RUBRIC = "rubric"
    CHECKLISTS = "checklists"


KIND_NAMES: Mapping[str, str] = {
    Kind.INSTITUTION: "单位信息",
    Kind.APPLICATION: "申报",
    Kind.ASSESSMENT: "年度自查",
    Kind.REVIEW: "评审结果",
    Kind.CYCLE: "年度通知",
    Kind.SPECIALTIES: "专业一览表",
    Kind.RUBRIC: "考核评估指标",
    Kind.CHECKLISTS: "审核清单",
}
# What an institution files in a cycle (the two kinds of submission).
SUBMISSION_KINDS = (Kind.APPLICATION, Kind.ASSESSMENT)


# A cycle file whose content the bureau has not confirmed yet carries this mark
# (``status:`` at its top); ``validate`` warns while it remains.
PENDING_CONFIRMATION = "待市人社局确认"


def kind_name(kind: str) -> str:
    return KIND_NAMES.get(kind, "材料")


# 职称级别, lowest first; "其他" sorts last wherever levels are listed.
LEVELS = ("初级", "中级", "副高级", "正高级")
LEVEL_ORDER: Mapping[str, int] = {level: i for i, level in enumerate(LEVELS)}


def level_key(level: str) -> int:
    return LEVEL_ORDER.get(level, len(LEVELS))


def sorted_levels(levels: Any) -> list[str]:
    return sorted(set(levels), key=level_key)


# ---------------------------------------------------------------- deadlines


@dataclass(frozen=True)
class Due:
    """When a kind of submission is due for one institution in one cycle."""

    deadline: date  # the cycle's deadline
    extension: date | None  # the bureau's latest extension for this institution, if any

    @property
    def last_day(self) -> date:
        return max(self.deadline, self.extension) if self.extension else self.deadline

    @property
    def label(self) -> str:
        return "截止（已获延期）" if self.extension else "截止"


def chinese_date(day: date) -> str:
    """2025-12-08 as the bureau writes it: 2025年12月8日."""
    return f"{day.year}年{day.month}月{day.day}日"


def parse_day(value: Any) -> date | None:
    """A ``YYYY-MM-DD`` string as a date; anything else is None (the schema reports it)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


class Extensions:
    """The latest extension per (USCC, kind) of one cycle, indexed once.

    Read without the schema's guarantees (the gate reads the base commit's
    cycle this way): entries of the wrong shape are skipped, as they can never
    match an institution.
    """

    def __init__(self, cycle: Mapping[str, Any]) -> None:
        self._latest: dict[tuple[str, str], date] = {}
        for e in cycle.get("extensions") or []:
            if not isinstance(e, Mapping):
                continue
            uscc, kind, until = e.get("uscc"), e.get("kind"), parse_day(e.get("until"))
            if isinstance(uscc, str) and isinstance(kind, str) and until is not None:
                key = (uscc, kind)
                if key not in self._latest or until > self._latest[key]:
                    self._latest[key] = until

    def get(self, uscc: str, kind: str) -> date | None:
        return self._latest.get((uscc, kind))


def due(
    cycle: Mapping[str, Any], uscc: str, kind: str, extensions: Extensions | None = None
) -> Due | None:
    """The deadline of ``kind`` for ``uscc`` in ``cycle``; None when the cycle sets none.

    The one deadline resolver: rules, the status engine, the gate and reminders
    all ask it. Pass ``extensions`` when asking about many institutions.
    """
    deadlines = cycle.get("deadlines")
    day = parse_day(deadlines.get(kind)) if isinstance(deadlines, Mapping) else None
    if day is None:
        return None
    ext = (extensions or Extensions(cycle)).get(uscc, kind)
    return Due(day, ext)


# ---------------------------------------------------------------- 公示


@dataclass(frozen=True)
class Period:
    """A 公示 or other period counted in working days, both ends included."""

    start: date
    end: date
    working_days: int

    def running(self, now: date) -> bool:
        return self.start <= now <= self.end


def publicity_period(start: date, working_days: int, cal: WorkCalendar) -> Period:
    """The 公示 of ``working_days`` working days beginning on ``start``."""
    return Period(start, cal.add_working_days(start, working_days), working_days)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def validity_end(start: date, years: int) -> date:
    """Last valid day of a certification of ``years`` years beginning on ``start``."""
    return add_years(start, years) - timedelta(days=1)
