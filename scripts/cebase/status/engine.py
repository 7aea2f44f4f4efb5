"""The whole registry on a date: each institution replayed cycle by cycle.

Interpretations the notice leaves open, made explicit here:
- an application is certified on the day after its 拟认定 公示 ends with no
  upheld objection; validity is ``certification.validity_years`` of its cycle;
- an annual assessment of 合格 or 优秀 (or a re-check of 合格) continues the
  certification (the notice's "继续认定") for the same number of years;
- a cycle's assessment targets are its ``incumbents`` and every base certified
  before its assessment deadline and not revoked or expired by then;
- an incumbent listed in a cycle is taken as certified at that cycle's notice
  (its earlier renewals predate the registry);
- approved specialty additions and removals apply from the outcome's date.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from .. import workdays
from ..model import BaseStatus, HistoryEntry, Stage, Status
from ..registry import Cycle, Institution, Registry, Submission
from ..vocab import Extensions, Kind, parse_day, validity_end
from ..workdays import WorkCalendar
from .flows import advance, shown, start
from .reasons import Node
from .state import CycleInfo, Shown, State, specialties, valid

_INCUMBENT = Node(Status.CERTIFIED, "status-incumbent", "{day} 认定为市级继续教育基地{doc}。")
_NOTHING = Node(Status.NOT_FILED, "status-not-filed", "尚未提交申报或年度自查材料。")
_EXPIRED = Node(Status.EXPIRED, "status-expired", "认定有效期已于 {valid_until} 届满，未继续认定。")


def declared_days(cycles: list[CycleInfo]) -> dict[date, bool]:
    """Days the cycles declare working (True) or not (False), winning over the package."""
    return workdays.declared_days(c.data for c in cycles)


def cycles_of(reg: Registry) -> tuple[list[CycleInfo], list[str]]:
    out, warnings = [], []
    for cid in sorted(reg.cycles):
        cycle: Cycle = reg.cycles[cid]
        rec = cycle.records.get(Kind.CYCLE)
        data = valid(rec)
        if data is None or rec is None:
            warnings.append(
                f"{cycle.folder}/cycle.yaml 缺失或未通过校验，{cid} 年度的记录未计入状态。"
            )
            continue
        out.append(CycleInfo(cid, rec.relpath, data, cycle.data(Kind.RUBRIC), Extensions(data)))
    return out, warnings


def _name(inst: Institution) -> str | None:
    data = inst.record.data if inst.record is not None else None
    name = data.get("name") if isinstance(data, dict) else None
    return name if isinstance(name, str) else None


def _incumbent(cycle: CycleInfo, uscc: str) -> Mapping[str, Any] | None:
    return cycle.incumbents.get(uscc)


def _latest_specialties(inst: Institution, before: str) -> dict[str, list[str]] | None:
    """An incumbent listed without specialties: the latest approved list in an earlier cycle."""
    for cid in sorted(inst.submissions, reverse=True):
        if cid >= before:
            continue
        review = valid(inst.submissions[cid].get(Kind.REVIEW))
        if review and review.get("approved_specialties"):
            return specialties(review["approved_specialties"])
    return None


def _take_incumbent(
    st: State, inst: Institution, cycle: CycleInfo, inc: Mapping[str, Any]
) -> Shown | None:
    """An incumbent listed in ``cycle``: certified from its date, at least until the notice's validity."""
    on = parse_day(inc["certified_on"])
    if on is None or on > st.now:
        return None
    if "specialties" in inc:
        specs = specialties(inc["specialties"])
    else:
        specs = _latest_specialties(inst, cycle.id)
    st.certify(on, cycle.validity_years, cycle.relpath, specs)
    if cycle.validity_years:
        st.valid_until = max(st.valid_until or on, validity_end(cycle.issued, cycle.validity_years))
    st.history.append(
        HistoryEntry(
            cycle.id, Kind.APPLICATION, Status.CERTIFIED.value, on.isoformat(), None, cycle.relpath
        )
    )
    doc = f"（{inc['document']}）" if inc.get("document") else ""
    return Shown(_INCUMBENT, Stage.NONE, cycle.id, cycle.relpath, {"day": on, "doc": doc}, on)


def _is_target(st: State, cycle: CycleInfo, incumbent: bool) -> bool:
    if not st.certified or st.certified_on is None:
        return False
    if incumbent:
        return True
    deadline = parse_day(cycle.data["deadlines"][Kind.ASSESSMENT])
    assert deadline is not None
    return st.certified_on < deadline and (st.valid_until is None or st.valid_until >= deadline)


def _submission(st: State, cycle: CycleInfo, sub: Submission | None, kind: str) -> Shown:
    run, events = start(st, cycle, sub, kind)
    advance(run, events)
    return shown(run)


def _cycle(st: State, inst: Institution, cycle: CycleInfo, current: Shown) -> tuple[Shown, bool]:
    """The institution's place after ``cycle``; True when its certification ran out first."""
    sub = inst.submissions.get(cycle.id)
    inc = _incumbent(cycle, inst.uscc)
    if inc is not None and not st.revoked and not st.certified:
        current = _take_incumbent(st, inst, cycle, inc) or current
    if st.now < cycle.issued:
        return current, False  # this round has not begun
    if _is_target(st, cycle, inc is not None):
        if st.valid_until is not None and st.now > st.valid_until:
            return current, True
        return _submission(st, cycle, sub, Kind.ASSESSMENT), False
    if sub is not None and sub.get(Kind.APPLICATION) is not None:
        return _submission(st, cycle, sub, Kind.APPLICATION), False
    rec = sub.get(Kind.ASSESSMENT) if sub is not None else None
    if rec is not None:
        st.warnings.append(
            f"{rec.relpath}：本单位在 {cycle.id} 年度不是须参加考核的已认定基地，年度自查材料未计入状态。"
        )
    return current, False


def evaluate_one(
    inst: Institution, cycles: list[CycleInfo], now: date, declared: Mapping[date, bool]
) -> BaseStatus:
    st = State(inst.uscc, _name(inst), WorkCalendar(declared), now)
    relpath = inst.record.relpath if inst.record is not None else f"{inst.folder}/institution.yaml"
    current = Shown(_NOTHING, Stage.NONE, None, relpath)
    for cycle in cycles:
        current, ended = _cycle(st, inst, cycle, current)
        if ended:
            break
    if st.certified and st.valid_until is not None and now > st.valid_until:
        current = Shown(_EXPIRED, Stage.NONE, current.cycle, st.certified_by)
    out = st.view(current)
    out.warnings = list(dict.fromkeys([*st.warnings, *st.cal.warnings()]))
    return out


def evaluate(reg: Registry, now: date) -> dict[str, BaseStatus]:
    """Every institution's status on ``now``, keyed by USCC (sorted)."""
    cycles, warnings = cycles_of(reg)
    declared = declared_days(cycles)
    out = {}
    for uscc in sorted(reg.institutions):
        status = evaluate_one(reg.institutions[uscc], cycles, now, declared)
        status.warnings = list(dict.fromkeys([*warnings, *status.warnings]))
        out[uscc] = status
    return out


def queue(statuses: Mapping[str, BaseStatus]) -> list[BaseStatus]:
    """The reviewers' queue: what needs action first, then the nearest deadline, then the code."""

    def key(s: BaseStatus) -> tuple[int, str, str]:
        open_deadlines = [d.date for d in s.deadlines]
        return s.needs_action, min(open_deadlines, default="9999-12-31"), s.uscc

    return sorted(statuses.values(), key=key)
