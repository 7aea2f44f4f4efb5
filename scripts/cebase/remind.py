"""Who owes what, by when: reminders so that nobody forfeits by accident.

``remind(statuses, reg, now, ...)`` reads the status engine's verdicts (never
re-deriving a status) and lists, for one cycle, what each institution still has
to file and by when, what the bureau has to act on, and which maintainers are
due a mention. Mentions are made when something first becomes due (the cycle
opens) and again 3 and 1 working days before its deadline, never more often:
the tracking record (a hidden, compressed JSON block in the tracking issue's body) remembers
every mention made, and this module reads and writes it. Nothing here reads
the clock or the network: the date is a parameter, the records come through
the registry the status engine has already loaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from . import vocab
from .model import BaseStatus, Stage, Status
from .registry import Record, Registry
from .tracking import Tracking
from .workdays import WorkCalendar, calendar_of

# What an institution can owe, and how a reminder names it.
OWED = {
    "self-inspection": "提交年度自查材料",
    "application": "提交申报材料",
    "returned": "按初审意见修改后重新提交",
    "rectification": "完成整改",
}
# What the bureau can owe.
TASKS = {
    "publicity": "公示期满",
    "rectification": "整改期限",
    "waiting": "等待处理",
}
# Mentions: when an item first appears, then this many working days before its deadline.
MILESTONES = (3, 1)
DEFAULT_WAITING_DAYS = 10
# Statuses under which the next step is the bureau's.
BUREAU_WAITING = frozenset(
    {Status.SUBMITTED, Status.SELF_INSPECTION_FILED, Status.UNDER_REVIEW, Status.OVERDUE}
)
LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")


@dataclass(frozen=True)
class Owed:
    """Something an institution still has to do."""

    uscc: str
    name: str
    cycle: str
    kind: str  # a key of OWED
    status: str  # the status engine's word
    deadline: date  # last day, extensions included
    extended: bool
    days_left: int  # working days after today, up to and including the deadline
    maintainers: tuple[str, ...]
    source: str  # the record that decides the status

    @property
    def what(self) -> str:
        return OWED[self.kind]


@dataclass(frozen=True)
class Task:
    """Something the bureau has to act on."""

    uscc: str
    name: str
    cycle: str
    kind: str  # a key of TASKS
    status: str
    day: date  # the 公示 end, the rectification deadline, or waiting since
    days: int  # working days left (negative: overdue), or working days waited
    source: str

    def passed(self, now: date) -> bool:
        return self.kind != "waiting" and self.day < now


@dataclass(frozen=True)
class Mention:
    uscc: str
    name: str
    logins: tuple[str, ...]
    marks: tuple[str, ...]  # the milestones this mention covers
    item: Owed


@dataclass
class Reminders:
    cycle: str
    now: date
    owed: list[Owed]
    tasks: list[Task]
    mentions: list[Mention]
    tracking: Tracking
    waiting_days: int
    warnings: list[str]

    @property
    def count(self) -> int:
        return len(self.owed) + len(self.tasks)


# ---------------------------------------------------------------- what is owed


# the record's API, kept here


def current_cycle(reg: Registry, now: date) -> str | None:
    """The latest cycle whose notice has been issued by ``now``."""
    issued = [
        cid
        for cid, c in reg.cycles.items()
        if (data := c.data("cycle")) and (day := vocab.parse_day(data.get("issued"))) and day <= now
    ]
    return max(issued, default=None)


def _maintainers(reg: Registry, uscc: str) -> tuple[str, ...]:
    inst = reg.institutions.get(uscc)
    rec = inst.record if inst is not None else None
    if rec is None or not rec.valid or not isinstance(rec.data, dict):
        return ()
    logins = rec.data.get("maintainers") or []
    return tuple(x for x in logins if isinstance(x, str) and LOGIN.fullmatch(x))


def _left(cal: WorkCalendar, now: date, day: date) -> int:
    """Working days after ``now`` up to ``day``; negative when ``day`` has passed."""
    if day < now:
        return -cal.count_working_days(day + timedelta(days=1), now)
    return cal.count_working_days(now + timedelta(days=1), day)


@dataclass(frozen=True)
class _Run:
    """What one run asks about every institution: looked up once."""

    reg: Registry
    cycle: str
    data: Mapping[str, Any]  # the cycle's cycle.yaml
    extensions: vocab.Extensions
    now: date
    cal: WorkCalendar


def _owed_kind(s: BaseStatus, run: _Run) -> tuple[str, str] | None:
    """(what is owed, the kind of submission whose deadline applies), or None."""
    if s.status == Status.NOT_FILED:
        return _applicant(s, run)
    if s.cycle != run.cycle:
        return None
    if s.status == Status.AWAITING_SELF_INSPECTION:
        return "self-inspection", vocab.Kind.ASSESSMENT
    if s.status == Status.RETURNED:
        kind = vocab.Kind.ASSESSMENT if s.stage == Stage.ASSESSMENT else vocab.Kind.APPLICATION
        return "returned", kind
    if s.status == Status.RECTIFY:
        return "rectification", ""
    return None


def _applicant(s: BaseStatus, run: _Run) -> tuple[str, str] | None:
    """An application started and not filed, or a folder with no application yet,
    in a cycle whose notice has been issued."""
    issued = vocab.parse_day(run.data.get("issued"))
    if issued is None or issued > run.now or s.cycle not in (None, run.cycle):
        return None
    inst = run.reg.institutions.get(s.uscc)
    sub = inst.submissions.get(run.cycle) if inst is not None else None
    if s.cycle == run.cycle or sub is None or sub.get("application") is None:
        return "application", vocab.Kind.APPLICATION
    return None


def _owed(s: BaseStatus, run: _Run) -> Owed | None:
    found = _owed_kind(s, run)
    if found is None:
        return None
    owed, kind = found
    deadline, extended = None, False
    if owed == "rectification":
        deadline = min((d for d in map(_deadline_day, s.deadlines) if d), default=None)
    elif (resolved := vocab.due(run.data, s.uscc, kind, run.extensions)) is not None:
        deadline, extended = resolved.last_day, resolved.extension is not None
    if deadline is None or deadline < run.now:
        # Past its deadline nothing is owed any more (the status engine says
        # overdue); a returned submission is owed again once the bureau grants
        # an extension, which ``vocab.due`` then finds.
        return None
    left = _left(run.cal, run.now, deadline)
    logins = _maintainers(run.reg, s.uscc)
    return Owed(
        s.uscc, s.name or "", run.cycle, owed, s.status, deadline, extended, left, logins,
        s.decided_by,
    )  # fmt: skip


def _deadline_day(d: Any) -> date | None:
    return vocab.parse_day(getattr(d, "date", None))


# ---------------------------------------------------------------- what the bureau owes


def _event_days(data: Mapping[str, Any]) -> Iterable[date | None]:
    yield vocab.parse_day(data.get("date"))
    for key in ("preliminary", "expert_review", "outcome"):
        node = data.get(key)
        if isinstance(node, Mapping):
            yield vocab.parse_day(node.get("date"))


def _since(s: BaseStatus, records: Mapping[str, Record], now: date) -> date | None:
    """Since when the bureau has had the next step: the latest dated event of the
    record that decides the status, or the deadline that passed."""
    days = [d for d in map(_deadline_day, (d for d in s.deadlines if d.overdue)) if d]
    rec = records.get(s.decided_by)
    if rec is not None and isinstance(rec.data, dict):
        days += [d for d in _event_days(rec.data) if d and d <= now]
    return max(days, default=None)


def _tasks(
    s: BaseStatus,
    records: Mapping[str, Record],
    now: date,
    cal: WorkCalendar,
    waiting_days: int,
) -> list[Task]:
    name, cycle = s.name or "", s.cycle or ""

    def task(kind: str, day: date, days: int) -> Task:
        return Task(s.uscc, name, cycle, kind, s.status, day, days, s.decided_by)

    ends = [d for d in map(_deadline_day, s.deadlines) if d]
    if s.status == Status.PROPOSED:
        return [task("publicity", end, _left(cal, now, end)) for end in ends if end >= now]
    if s.status in (Status.RECTIFY, Status.RECTIFY_OVERDUE):
        return [task("rectification", end, _left(cal, now, end)) for end in ends]
    if s.status in BUREAU_WAITING:
        since = _since(s, records, now)
        if since is not None:
            waited = cal.count_working_days(since + timedelta(days=1), now)
            if waited > waiting_days:
                return [task("waiting", since, waited)]
    return []


# ---------------------------------------------------------------- mentions


def _marks(item: Owed) -> list[str]:
    """Every milestone reached by ``now`` (the caller drops those already mentioned)."""
    day = item.deadline.isoformat()
    reached = [f"{item.kind}:{n}:{day}" for n in MILESTONES if item.days_left <= n]
    return [f"{item.kind}:opened", *reached]


def _mentions(
    owed: list[Owed], previous: Tracking, cycle: str, now: date
) -> tuple[list[Mention], Tracking]:
    """Who is due a mention today, and the record with those mentions added."""
    mentioned = {u: dict(m) for u, m in previous.mentioned.items()}
    out = []
    for item in owed:
        done = mentioned.get(item.uscc, {})
        new = [m for m in _marks(item) if m not in done]
        if not new or not item.maintainers:
            continue
        out.append(Mention(item.uscc, item.name, item.maintainers, tuple(new), item))
        mentioned.setdefault(item.uscc, {}).update(dict.fromkeys(new, now.isoformat()))
    return out, Tracking(cycle, mentioned, now.isoformat())


# ---------------------------------------------------------------- the whole list


def remind(
    statuses: Mapping[str, BaseStatus],
    reg: Registry,
    now: date,
    *,
    cycle: str,
    previous: Tracking | None = None,
    waiting_days: int = DEFAULT_WAITING_DAYS,
) -> Reminders:
    """What is due in ``cycle`` on ``now``, and whom to mention."""
    data = reg.cycle_data(cycle, "cycle") or {}
    cal = calendar_of(reg)
    run = _Run(reg, cycle, data, vocab.Extensions(data), now, cal)
    records = {rec.relpath: rec for rec in reg.records()}
    owed: list[Owed] = []
    tasks: list[Task] = []
    for s in statuses.values():
        item = _owed(s, run)
        if item is not None:
            owed.append(item)
        if s.cycle == cycle:
            tasks += _tasks(s, records, now, cal, waiting_days)
    owed.sort(key=lambda o: (o.deadline, o.uscc))
    tasks.sort(key=lambda t: (list(TASKS).index(t.kind), t.day, t.uscc))
    mentions, tracking = _mentions(owed, previous or Tracking(cycle), cycle, now)
    warnings = list(dict.fromkeys(w for s in statuses.values() for w in s.warnings))
    warnings += [w for w in cal.warnings() if w not in warnings]
    return Reminders(cycle, now, owed, tasks, mentions, tracking, waiting_days, warnings)
