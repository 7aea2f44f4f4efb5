"""One submission through its flow: events in, the node reached and its effects out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ..model import Deadline, HistoryEntry, Publicity, Stage, Status
from ..registry import Submission
from ..scoring import review_total
from ..vocab import Decision, Due, Kind, Period, due, kind_name, parse_day
from .events import OUTCOMES, Ev, Event, Events, filing_events, publicity_of, review_events, until
from .machine import FLOWS, Flow, replay
from .reasons import MISSING, notice_reason
from .state import SETTLED, WAITING, CycleInfo, Shown, State, add_specialty, specialties, valid


@dataclass
class Run:
    """One submission's replay: its records, what is known of it, where it stands."""

    st: State
    cycle: CycleInfo
    flow: Flow
    due: Due
    review: Mapping[str, Any] | None
    review_path: str
    period: Period | None
    filed: date | None
    score: Decimal | None
    node: str
    decided_by: str
    since: date | None
    facts: dict[str, Any] = field(default_factory=dict)


def _review(sub: Submission | None, subject: str, st: State) -> tuple[dict[str, Any] | None, str]:
    if sub is None or (rec := sub.get(Kind.REVIEW)) is None:
        return None, ""
    data = valid(rec)
    if data is None:
        st.warnings.append(f"{rec.relpath} 未通过校验，状态暂不计入该评审记录。")
        return None, rec.relpath
    return (data if data.get("subject") == subject else None), rec.relpath


def _score(review: Mapping[str, Any] | None, cycle: CycleInfo, now: date) -> Decimal | None:
    expert = (review or {}).get("expert_review") or {}
    day = parse_day(expert.get("date"))
    if review is None or cycle.rubric is None or day is None or day > now:
        return None
    return review_total(review, cycle.rubric, cycle.data)


def _veto_names(review: Mapping[str, Any] | None, cycle: CycleInfo) -> str:
    items = ((review or {}).get("expert_review") or {}).get("vetoes") or []
    names = {v["id"]: v["name"] for v in (cycle.rubric or {}).get("vetoes", [])}
    return "、".join(names.get(v["item"], v["item"]) for v in items)


def _facts(run: Run) -> dict[str, Any]:
    review, due_, score = run.review or {}, run.due, run.score
    outcome = review.get("outcome") or {}
    filed = run.filed
    timing = ""
    if filed is not None and filed > due_.last_day:
        timing = f"，晚于截止日期 {due_.last_day} 且无延期"
    elif filed is not None and due_.extension and filed > due_.deadline:
        timing = f"（截止日期 {due_.deadline}，已获延期至 {due_.extension}）"
    period = run.period
    return {
        "cycle": run.cycle.id,
        "assessed_year": run.cycle.data.get("assessed_year"),
        "filed": filed,
        "last": due_.last_day,
        "timing": timing,
        "prelim": (review.get("preliminary") or {}).get("date"),
        "decision": outcome.get("decision"),
        "deadline": outcome.get("rectification_deadline"),
        "score": score,
        "score_text": f"，总分 {score}" if score is not None else "",
        "basis": f"评审总分 {score}" if score is not None else "专家评审",
        "vetoes": _veto_names(run.review, run.cycle),
        "start": period.start if period else None,
        "end": period.end if period else None,
        "days": period.working_days if period else None,
    }


def _filed_by(rec: Any, now: date) -> bool:
    """An application counts once dated on or before ``now`` (or unreadable, so undated)."""
    if rec is None or not rec.valid:
        return rec is not None
    day = parse_day(rec.data.get("date"))
    return day is not None and day <= now


def start(st: State, cycle: CycleInfo, sub: Submission | None, kind: str) -> tuple[Run, Events]:
    """A submission's flow before any event, and its events up to ``st.now``."""
    flow = FLOWS[kind]
    rec = sub.get(kind) if sub is not None else None
    due_ = due(cycle.data, st.uscc, kind, cycle.extensions)
    assert due_ is not None  # the schema requires both deadlines
    review, review_path = None, ""
    if kind == Kind.ASSESSMENT or _filed_by(rec, st.now):
        review, review_path = _review(sub, kind, st)
    period = publicity_of(review, cycle.data, st.cal) if review else None
    events = Events()
    if kind == Kind.APPLICATION:
        assert rec is not None
        node = "not-filed" if rec.valid else "invalid"
        decided_by, since = rec.relpath, None
        if rec.valid:
            filing_events(kind, rec, due_, st.now, events)
    else:
        node, decided_by, since = "awaiting", cycle.relpath, cycle.issued
        filing_events(kind, rec, due_, st.now, events)
    if rec is not None and not rec.valid:
        st.warnings.append(f"{rec.relpath} 未通过校验，按已提交处理；请先修正校验错误。")
    if review is not None:
        events.extend(review_events(review, review_path, period))
    happened = until(events, st.now)
    filed = next((e.day for e in happened if e.ev is Ev.FILED), None)
    if filed is None and kind == Kind.APPLICATION and rec.valid:
        filed = parse_day(rec.data.get("date"))  # shown as "not filed (form dated …)"
    run = Run(
        st, cycle, flow, due_, review, review_path, period, filed, None, node, decided_by, since
    )
    run.score = _score(review, cycle, st.now)
    run.facts = _facts(run)
    return run, Events(happened)


def advance(run: Run, events: list[Event]) -> None:
    """Replay the events; each move records its effects on the institution."""
    for event, node in replay(run.flow, run.node, events):
        run.node, run.decided_by, run.since = node, event.source or run.decided_by, event.day
        run.facts["day"] = event.day
        run.facts["step"] = "初审" if event.ev is Ev.PRELIM_RETURNED else "评审"
        if event.ev is Ev.PRELIM_PASSED or event.ev in OUTCOMES:
            run.st.score = run.score
        _history(run, event)
        effect = EFFECTS.get(node)
        if effect is not None:
            effect(run, event)


def _entry(run: Run, event: Event, decision: str, **more: Any) -> HistoryEntry:
    node = run.flow.nodes[run.node]
    return HistoryEntry(
        run.cycle.id,
        run.flow.kind,
        decision,
        event.day.isoformat(),
        run.st.score,
        run.review_path,
        rule=node.rule,
        **more,
    )


def _history(run: Run, event: Event) -> None:
    """The dated decisions of the base: what its public notices list."""
    st, ev = run.st, event.ev
    if ev in OUTCOMES:
        decision = OUTCOMES[ev]
        more: dict[str, Any] = {}
        if ev is Ev.SCHEDULED and run.period is not None:
            p = run.period
            more["publicity"] = Publicity(p.start.isoformat(), p.end.isoformat(), p.working_days)
        if ev is Ev.RECTIFY:
            more["deadline"] = run.facts["deadline"]
        if decision == Decision.REVOKED:
            rule = run.flow.nodes[run.node].rule
            more.update(revokes=True, reason=notice_reason(rule, run.facts))
        st.history.append(_entry(run, event, decision, **more))
    elif ev is Ev.OBJECTION_UPHELD:
        st.history.append(_entry(run, event, Status.OBJECTION_UPHELD.value))
    elif ev is Ev.PUBLICITY_ENDED:
        st.history.append(_entry(run, event, Status.CERTIFIED.value))
    elif ev in (Ev.RECHECK_PASS, Ev.RECHECK_REVOKED):
        result = Decision.REVOKED if ev is Ev.RECHECK_REVOKED else Decision.PASS
        more = {}
        if result == Decision.REVOKED:
            more = {"revokes": True, "reason": notice_reason("status-recheck", run.facts)}
        st.history.append(_entry(run, event, f"整改复查{result}", **more))


def _certify(run: Run, event: Event) -> None:
    approved = specialties((run.review or {}).get("approved_specialties", []))
    run.st.certify(event.day, run.cycle.validity_years, run.review_path, approved)


def _apply_changes(st: State, review: Mapping[str, Any]) -> None:
    changes = review.get("approved_changes") or {}
    for item in changes.get("drop", []):
        # {code: ...} in the schema; a bare code in older records
        st.specialties.pop(item["code"] if isinstance(item, dict) else item, None)
    for item in changes.get("add", []):
        add_specialty(st.specialties, item["code"], item["levels"])


def _graded(run: Run, event: Event) -> None:
    run.st.grade = run.facts["decision"]
    _apply_changes(run.st, run.review or {})
    if run.node != "rectify":
        run.st.renew(event.day)


def _revoked(run: Run, event: Event) -> None:
    run.st.grade = Decision.REVOKED
    run.st.revoke()


def _rechecked(run: Run, event: Event) -> None:
    run.st.grade = Decision.PASS
    run.st.renew(event.day)


EFFECTS: Mapping[str, Callable[[Run, Event], None]] = {
    "certified": _certify,
    "excellent": _graded,
    "pass": _graded,
    "rectify": _graded,
    "recheck-pass": _rechecked,
    "revoked": _revoked,
    "revoked-veto": _revoked,
    "revoked-forfeit": _revoked,
    "recheck-revoked": _revoked,
}

_PUBLICITY_NODES = frozenset({"scheduled", "publicity-running", "objection-upheld", "certified"})
_BEFORE_OUTCOME = frozenset({"submitted", "awaiting", "overdue", "late", "preliminary-passed"})


def _deadlines(run: Run) -> tuple[Deadline, ...]:
    node, now, due_ = run.node, run.st.now, run.due
    if node in _PUBLICITY_NODES and run.period is not None:
        return (Deadline("公示截止", run.period.end.isoformat(), False),)
    if node in ("rectify", "rectify-overdue"):
        return (Deadline("整改期限", str(run.facts["deadline"]), node == "rectify-overdue"),)
    if run.flow.kind == Kind.APPLICATION:
        open_ = node in ("not-filed", "submitted")
    else:
        open_ = node in _BEFORE_OUTCOME or node == "returned"
    if not open_:
        return ()
    filed = run.filed if node != "not-filed" else None
    late = filed > due_.last_day if filed is not None else now > due_.last_day
    return (Deadline(kind_name(run.flow.kind) + due_.label, due_.last_day.isoformat(), late),)


def _missing(run: Run) -> tuple[str, ...]:
    if run.node == "preliminary-passed":
        expert = (run.review or {}).get("expert_review") or {}
        day = parse_day(expert.get("date"))
        return ("专家评审",) if day is None or day > run.st.now else ("评审结论",)
    return MISSING.get(run.node, ())


def shown(run: Run) -> Shown:
    """The node reached, ready for ``State.view``."""
    node = run.flow.nodes[run.node]
    needs = None
    if run.node == "not-filed":
        needs = SETTLED
    elif run.node in ("scheduled", "publicity-running"):
        needs = WAITING
    p = run.period
    publicity = None
    if run.node in _PUBLICITY_NODES and p is not None:
        publicity = Publicity(p.start.isoformat(), p.end.isoformat(), p.working_days)
    stage = run.flow.stage if node.status is not Status.NOT_FILED else None
    return Shown(
        node,
        stage or Stage.NONE,
        run.cycle.id,
        run.decided_by,
        run.facts,
        run.since,
        publicity,
        _deadlines(run),
        _missing(run),
        needs,
    )
