"""Dated events out of one submission's records: the status machine's input.

Each event is a fact with a date and the record it comes from (filed, 初审,
expert review, outcome, 公示 start and end, an upheld objection, a deadline
passing, a re-check). Only events dated on or before ``now`` are returned, so
a record dated in the future changes nothing until its day.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..scoring import is_forfeit, vetoes
from ..vocab import Decision, Due, Kind, Period, parse_day, publicity_period
from ..workdays import WorkCalendar

ONE_DAY = timedelta(days=1)


class Ev(enum.IntEnum):
    """Kinds of event; the value orders events of the same day."""

    DEADLINE_PASSED = 0  # the day after the last day to file (assessment)
    FILED = 1
    PRELIM_PASSED = 2
    PRELIM_RETURNED = 3
    EXPERTS = 4
    RETURNED = 5
    REFUSED = 6
    REFUSED_VETO = 7
    PROPOSED = 8  # 拟认定 without a 公示 yet
    SCHEDULED = 9  # 拟认定 with its 公示 set
    EXCELLENT = 10
    PASS = 11
    RECTIFY = 12
    REVOKED = 13
    REVOKED_VETO = 14
    REVOKED_FORFEIT = 15
    PUBLICITY_START = 16
    OBJECTION_UPHELD = 17
    PUBLICITY_ENDED = 18  # the day after the 公示's last day
    RECTIFY_EXPIRED = 19  # the day after the rectification deadline
    RECHECK_PASS = 20
    RECHECK_REVOKED = 21


# Outcome events: they record a decision in the base's history.
OUTCOMES: Mapping[Ev, Decision] = {
    Ev.RETURNED: Decision.RETURNED,
    Ev.REFUSED: Decision.REFUSED,
    Ev.REFUSED_VETO: Decision.REFUSED,
    Ev.PROPOSED: Decision.PROPOSED,
    Ev.SCHEDULED: Decision.PROPOSED,
    Ev.EXCELLENT: Decision.EXCELLENT,
    Ev.PASS: Decision.PASS,
    Ev.RECTIFY: Decision.RECTIFY,
    Ev.REVOKED: Decision.REVOKED,
    Ev.REVOKED_VETO: Decision.REVOKED,
    Ev.REVOKED_FORFEIT: Decision.REVOKED,
}
_PLAIN_OUTCOME = {
    Decision.RETURNED: Ev.RETURNED,
    Decision.EXCELLENT: Ev.EXCELLENT,
    Decision.PASS: Ev.PASS,
    Decision.RECTIFY: Ev.RECTIFY,
}


@dataclass(frozen=True, order=True)
class Event:
    day: date
    ev: Ev
    source: str = field(compare=False)  # relpath of the record it comes from


def outcome_event(review: Mapping[str, Any]) -> Ev | None:
    """The event a review's outcome stands for (which kind of refusal or revocation)."""
    decision = (review.get("outcome") or {}).get("decision")
    if decision == Decision.REFUSED:
        return Ev.REFUSED_VETO if vetoes(review) else Ev.REFUSED
    if decision == Decision.REVOKED:
        if vetoes(review):
            return Ev.REVOKED_VETO
        return Ev.REVOKED_FORFEIT if is_forfeit(review) else Ev.REVOKED
    if decision == Decision.PROPOSED:
        return Ev.SCHEDULED if review.get("publicity") else Ev.PROPOSED
    return _PLAIN_OUTCOME.get(decision)  # type: ignore[arg-type]


def publicity_of(
    review: Mapping[str, Any], cycle: Mapping[str, Any], cal: WorkCalendar
) -> Period | None:
    """The 公示 period a 拟认定 review sets, counted in working days."""
    pub = review.get("publicity") or {}
    start = parse_day(pub.get("start"))
    if start is None:
        return None
    days = pub.get("working_days") or (cycle.get("publicity") or {}).get("working_days")
    if not days:
        return None  # the cycle's 公示 length is still 待市人社局确认
    return publicity_period(start, int(days), cal)


class Events(list[Event]):
    def add(self, day: Any, ev: Ev, source: str) -> None:
        when = parse_day(day)
        if when is not None:
            self.append(Event(when, ev, source))


def filing_events(kind: str, record: Any, due: Due, now: date, events: Events) -> None:
    """The filing of a submission (an unreadable record counts as filed in time) and,
    for a self-inspection, the day its deadline passed."""
    if kind == Kind.ASSESSMENT:
        events.add(due.last_day + ONE_DAY, Ev.DEADLINE_PASSED, "")
    if record is None:
        return
    if not record.valid:
        events.add(min(now, due.last_day), Ev.FILED, record.relpath)
    else:
        events.add(record.data.get("date"), Ev.FILED, record.relpath)


def review_events(review: Mapping[str, Any], source: str, period: Period | None) -> Events:
    """What a valid review records, each on its date."""
    events = Events()
    prelim = review.get("preliminary") or {}
    passed = prelim.get("result") == Decision.PRELIMINARY_PASSED
    events.add(prelim.get("date"), Ev.PRELIM_PASSED if passed else Ev.PRELIM_RETURNED, source)
    events.add((review.get("expert_review") or {}).get("date"), Ev.EXPERTS, source)
    outcome = review.get("outcome") or {}
    ev = outcome_event(review)
    if ev is not None:
        events.add(outcome.get("date"), ev, source)
    if ev is Ev.SCHEDULED and period is not None:
        events.add(period.start, Ev.PUBLICITY_START, source)
        events.add(period.end + ONE_DAY, Ev.PUBLICITY_ENDED, source)
        objections = (review.get("publicity") or {}).get("objections") or []
        upheld = [o["received"] for o in objections if o.get("upheld")]
        if upheld:
            events.add(min(upheld, key=str), Ev.OBJECTION_UPHELD, source)
    if ev is Ev.RECTIFY:
        deadline = parse_day(outcome.get("rectification_deadline"))
        if deadline is not None:
            events.add(deadline + ONE_DAY, Ev.RECTIFY_EXPIRED, source)
        recheck = outcome.get("recheck") or {}
        again = Ev.RECHECK_REVOKED if recheck.get("result") == Decision.REVOKED else Ev.RECHECK_PASS
        events.add(recheck.get("date"), again, source)
    return events


def until(events: list[Event], now: date) -> list[Event]:
    """The events that have happened by ``now``, in order."""
    return sorted(e for e in events if e.day <= now)
