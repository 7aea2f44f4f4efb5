"""What the registry knows about each institution at a date: the status engine's output.

``status.evaluate(registry, now)`` produces these; the reviewers' queue, the
pull-request gate and the public site read them. Statuses are derived from the
records and the calendar, never typed by hand.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal

from .vocab import KIND_NAMES, Decision, Kind


class Stage(enum.StrEnum):
    APPLICATION = KIND_NAMES[Kind.APPLICATION]
    ASSESSMENT = "年度考核"
    NONE = "无"


class Status(enum.StrEnum):
    NOT_FILED = "未提交"  # an institution folder with nothing filed (yet) at the date
    # applications
    SUBMITTED = "已提交"  # waiting for 初审
    UNDER_REVIEW = "初审通过"  # under expert review
    RETURNED = Decision.RETURNED.value
    PROPOSED = Decision.PROPOSED.value  # 公示 scheduled or running
    REFUSED = Decision.REFUSED.value
    OBJECTION_UPHELD = "异议成立"  # 公示 objection upheld: not certified
    CERTIFIED = "认定"  # 公示 ended without upheld objection
    # assessments of certified bases
    AWAITING_SELF_INSPECTION = "待自查"  # certified, deadline not yet passed, nothing filed
    SELF_INSPECTION_FILED = "自查已提交"  # filed, not yet reviewed
    OVERDUE = "逾期未报"  # no self-inspection by the deadline: forfeited, to be revoked
    EXCELLENT = Decision.EXCELLENT.value
    PASS = Decision.PASS.value
    RECTIFY = Decision.RECTIFY.value
    RECTIFY_OVERDUE = "整改逾期"  # rectification deadline passed without a re-check
    REVOKED = Decision.REVOKED.value
    EXPIRED = "认定期满"  # validity ended without renewal


# Statuses under which the base is a certified base at that date (published in the directory).
CERTIFIED_STATUSES = frozenset(
    {
        Status.CERTIFIED,
        Status.AWAITING_SELF_INSPECTION,
        Status.SELF_INSPECTION_FILED,
        Status.EXCELLENT,
        Status.PASS,
        Status.RECTIFY,
        Status.RECTIFY_OVERDUE,
        Status.OVERDUE,  # until the bureau's review revokes it
    }
)


@dataclass(frozen=True)
class Deadline:
    what: str  # Chinese: "年度自查截止", "公示截止", "整改期限"
    date: str  # YYYY-MM-DD
    overdue: bool


@dataclass(frozen=True)
class Publicity:
    start: str
    end: str  # last day of the 公示, computed in working days
    working_days: int


@dataclass(frozen=True)
class HistoryEntry:
    """One dated decision about a base: what the public notices are made of."""

    cycle: str
    kind: str  # Kind.APPLICATION | Kind.ASSESSMENT
    decision: str  # Chinese outcome as in the review, or the status
    date: str | None
    score: Decimal | None = None
    source: str = ""  # relpath of the review
    rule: str = ""  # the engine rule of the decision (keys the public reason)
    reason: str = ""  # public wording of why, as a notice states it (revocations)
    publicity: Publicity | None = None  # the 公示 of a 拟认定
    deadline: str | None = None  # rectification deadline of a 限期整改
    revokes: bool = False  # this decision ends the certification (取消资格)


@dataclass
class BaseStatus:
    uscc: str
    name: str | None
    stage: Stage
    status: Status
    reason: str  # Chinese: why this status
    decided_by: str  # relpath of the record that decides it
    rule: str  # the engine rule that decided it (e.g. "status-publicity-ended")
    cycle: str | None = None  # the cycle whose records decide the status
    certified: bool = False
    certified_on: str | None = None
    valid_until: str | None = None
    grade: str | None = None  # latest assessment grade (优秀/合格/限期整改/取消资格)
    score: Decimal | None = None  # latest expert total
    specialties: dict[str, list[str]] = field(default_factory=dict)  # code -> levels, at the date
    publicity: Publicity | None = None
    history: list[HistoryEntry] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # Chinese, what is missing
    needs_action: int = 0  # sort key for the queue: lower first
    since: str | None = None  # date of the event that led to this status
    waited: int | None = None  # working days from ``since`` to the date, when action is due
    warnings: list[str] = field(
        default_factory=list
    )  # Chinese: e.g. a calendar year guessed Mon-Fri
