"""The status engine: where every institution stands on a date, and why.

``evaluate(registry, now)`` is a pure function of the records and ``now``: the
site, the reviewers' queue and the gate all read it, and nothing stores a
status by hand. Each cycle is replayed in order; within a cycle only events
dated on or before ``now`` count (a review's preliminary date, the expert
review, the outcome, the 公示, objections, the re-check), so the same records
answer "where did this base stand on any past or future day".

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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from .model import BaseStatus, Deadline, HistoryEntry, Publicity, Stage, Status
from .registry import Cycle, Institution, Record, Registry, Submission
from .scoring import EXCELLENT, PASS, PROPOSED, RECTIFY, REFUSED, RETURNED, REVOKED, review_total
from .workdays import WorkCalendar

# The engine's rules: every BaseStatus names one of these ids.
RULES: dict[str, str] = {
    "status-not-filed": "尚未提交任何材料",
    "status-submitted": "申报已提交，等待初审",
    "status-preliminary-passed": "初审通过，等待专家评审和结论",
    "status-returned": "初审或评审退回",
    "status-refused": "专家评审后不予认定",
    "status-veto": "查实一票否决事项，不予认定或取消资格",
    "status-publicity-pending": "拟认定，等待公示",
    "status-publicity-running": "拟认定，公示期内",
    "status-objection-upheld": "公示期内异议成立，不予认定",
    "status-publicity-ended": "公示期满无成立的异议，予以认定",
    "status-incumbent": "本登记册启用前已认定的基地（cycle.yaml 的 incumbents）",
    "status-awaiting-self-inspection": "已认定，年度自查截止日期未到，尚未提交",
    "status-self-inspection-filed": "年度自查材料已提交，等待初审或专家评审",
    "status-overdue": "截止日期前未提交年度自查材料，视为自动放弃考核评估",
    "status-forfeit-revoked": "逾期未报，市人社局取消资格",
    "status-assessment-outcome": "年度考核结论",
    "status-rectify": "限期整改，整改期限未到",
    "status-rectify-overdue": "整改期限已过，尚无复查结论",
    "status-recheck": "整改复查结论",
    "status-expired": "认定有效期已满",
}

# Queue order: what the bureau must act on first gets the lowest number.
_NEEDS = {
    Status.RECTIFY_OVERDUE: 0,
    Status.OVERDUE: 0,
    Status.SUBMITTED: 1,
    Status.SELF_INSPECTION_FILED: 1,
    Status.UNDER_REVIEW: 2,
    Status.PROPOSED: 2,  # 5 while its 公示 runs or is scheduled, see _proposed
    Status.RETURNED: 3,
    Status.AWAITING_SELF_INSPECTION: 4,
    Status.RECTIFY: 4,
    Status.EXPIRED: 6,
}
WAITING = 5
SETTLED = 9

LEVEL_ORDER = {"初级": 0, "中级": 1, "副高级": 2, "正高级": 3}
_ASSESSMENT_STATUS = {
    EXCELLENT: Status.EXCELLENT,
    PASS: Status.PASS,
    RECTIFY: Status.RECTIFY,
    REVOKED: Status.REVOKED,
}


def _d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _valid(rec: Record | None) -> dict[str, Any] | None:
    return rec.data if rec is not None and rec.valid else None


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def validity_end(start: date, years: int) -> date:
    """Last valid day of a certification of ``years`` years beginning on ``start``."""
    return add_years(start, years) - timedelta(days=1)


def publicity_end(start: date, working_days: int, cal: WorkCalendar) -> date:
    """Last day of a 公示 of ``working_days`` working days beginning on ``start``."""
    return cal.add_working_days(start, working_days)


def effective_deadline(cycle: Mapping[str, Any], uscc: str, kind: str) -> tuple[date, date | None]:
    """The cycle's deadline for ``kind`` and this institution's extension, if any."""
    base = date.fromisoformat(cycle["deadlines"][kind])
    ext = max(
        (
            e["until"]
            for e in cycle.get("extensions", [])
            if e["uscc"] == uscc and e["kind"] == kind
        ),
        default=None,
    )
    return base, _d(ext)


def _specialties(items: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in items:
        _add(out, item["code"], item.get("levels", []))
    return out


def _add(specs: dict[str, list[str]], code: str, levels: Iterable[str]) -> None:
    merged = set(specs.get(code, [])) | set(levels)
    specs[code] = sorted(merged, key=lambda lv: LEVEL_ORDER.get(lv, 9))


@dataclass
class _State:
    """What has happened to one institution so far, replayed cycle by cycle."""

    uscc: str
    name: str | None
    cal: WorkCalendar
    now: date
    certified: bool = False
    revoked: bool = False
    certified_on: date | None = None
    valid_until: date | None = None
    certified_by: str = ""  # relpath of the record that certified it
    validity_years: int = 0
    grade: str | None = None
    score: Decimal | None = None
    specialties: dict[str, list[str]] = field(default_factory=dict)
    history: list[HistoryEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def certify(
        self, on: date, years: int, source: str, specialties: dict[str, list[str]] | None
    ) -> None:
        self.certified, self.revoked = True, False
        self.certified_on, self.certified_by, self.validity_years = on, source, years
        self.valid_until = validity_end(on, years)
        if specialties is not None:
            self.specialties = specialties

    def renew(self, on: date) -> None:
        """继续认定 after a passing assessment."""
        if self.validity_years and self.valid_until is not None:
            self.valid_until = max(self.valid_until, validity_end(on, self.validity_years))

    def revoke(self) -> None:
        self.certified, self.revoked = False, True

    def view(
        self,
        stage: Stage,
        status: Status,
        reason: str,
        decided_by: str,
        rule: str,
        cycle: str | None,
        *,
        publicity: Publicity | None = None,
        deadlines: list[Deadline] | None = None,
        missing: list[str] | None = None,
        needs_action: int | None = None,
    ) -> BaseStatus:
        assert rule in RULES, rule
        return BaseStatus(
            uscc=self.uscc,
            name=self.name,
            stage=stage,
            status=status,
            reason=reason,
            decided_by=decided_by,
            rule=rule,
            cycle=cycle,
            certified=self.certified,
            certified_on=self.certified_on.isoformat() if self.certified_on else None,
            valid_until=self.valid_until.isoformat() if self.valid_until else None,
            grade=self.grade,
            score=self.score,
            specialties={k: list(v) for k, v in sorted(self.specialties.items())},
            publicity=publicity,
            history=list(self.history),
            deadlines=deadlines or [],
            missing=missing or [],
            needs_action=_NEEDS.get(status, SETTLED) if needs_action is None else needs_action,
            warnings=list(self.warnings),
        )


@dataclass(frozen=True)
class _CycleInfo:
    id: str
    relpath: str
    data: dict[str, Any]
    rubric: dict[str, Any] | None

    @property
    def issued(self) -> date:
        return date.fromisoformat(self.data["issued"])

    @property
    def validity_years(self) -> int:
        return int(self.data["certification"]["validity_years"])


def _cycles(reg: Registry) -> tuple[list[_CycleInfo], list[str]]:
    out, warnings = [], []
    for cid in sorted(reg.cycles):
        cycle: Cycle = reg.cycles[cid]
        rec = cycle.records.get("cycle")
        data = _valid(rec)
        if data is None:
            warnings.append(
                f"{cycle.folder}/cycle.yaml 缺失或未通过校验，{cid} 年度的记录未计入状态。"
            )
            continue
        assert rec is not None
        out.append(_CycleInfo(cid, rec.relpath, data, cycle.data("rubric")))
    return out, warnings


def _review(sub: Submission | None, subject: str, st: _State) -> tuple[dict[str, Any] | None, str]:
    if sub is None or (rec := sub.get("review")) is None:
        return None, ""
    data = _valid(rec)
    if data is None:
        st.warnings.append(f"{rec.relpath} 未通过校验，状态暂不计入该评审记录。")
        return None, rec.relpath
    return (data if data.get("subject") == subject else None), rec.relpath


def _dated(
    node: Mapping[str, Any] | None, now: date, key: str = "date"
) -> Mapping[str, Any] | None:
    """``node`` if it has happened by ``now``."""
    if not node or not node.get(key):
        return None
    return node if date.fromisoformat(node[key]) <= now else None


def _score(review: Mapping[str, Any], cycle: _CycleInfo, now: date) -> Decimal | None:
    if cycle.rubric is None or _dated(review.get("expert_review"), now) is None:
        return None
    return review_total(review, cycle.rubric, cycle.data)


def _pending_review(review: Mapping[str, Any] | None, now: date) -> list[str]:
    """What the bureau has still to do on a submission that passed 初审."""
    if review is None or _dated(review.get("expert_review"), now) is None:
        return ["专家评审"]
    return ["评审结论"]


# ---------------------------------------------------------------- applications


def _application(st: _State, cycle: _CycleInfo, sub: Submission) -> BaseStatus:
    now, cid = st.now, cycle.id
    rec = sub.get("application")
    assert rec is not None
    data = _valid(rec)
    base, ext = effective_deadline(cycle.data, st.uscc, "application")
    last = max(base, ext) if ext else base
    what = "申报截止（已获延期）" if ext else "申报截止"
    if data is None:
        st.warnings.append(f"{rec.relpath} 未通过校验，按已提交处理；请先修正校验错误。")
        return st.view(
            Stage.APPLICATION,
            Status.SUBMITTED,
            "申报材料已提交，但未通过校验，待修正后初审。",
            rec.relpath,
            "status-submitted",
            cid,
            missing=["修正校验错误", "初审"],
        )
    filed = date.fromisoformat(data["date"])
    if filed > now:
        overdue = now > last
        return st.view(
            Stage.NONE,
            Status.NOT_FILED,
            f"尚未提交 {cid} 年度申报（申报表日期 {filed}）。",
            rec.relpath,
            "status-not-filed",
            cid,
            deadlines=[Deadline(what, last.isoformat(), overdue)],
            needs_action=SETTLED,
        )
    late = filed > last
    deadlines = [Deadline(what, last.isoformat(), late)]
    review, review_path = _review(sub, "application", st)
    prelim = _dated((review or {}).get("preliminary"), now)
    if review is None or prelim is None:
        if late:
            reason = f"申报于 {filed} 提交，晚于截止日期 {last}，且无延期；待初审处理。"
        elif ext and filed > base:
            reason = f"申报于 {filed} 提交（截止日期 {base}，已获延期至 {ext}），等待初审。"
        else:
            reason = f"申报于 {filed} 提交，等待初审。"
        return st.view(
            Stage.APPLICATION,
            Status.SUBMITTED,
            reason,
            rec.relpath,
            "status-submitted",
            cid,
            deadlines=deadlines,
            missing=["初审"],
        )
    if prelim["result"] == RETURNED:
        return st.view(
            Stage.APPLICATION,
            Status.RETURNED,
            f"{prelim['date']} 初审退回，请按初审意见修改后重新提交。",
            review_path,
            "status-returned",
            cid,
        )
    st.score = _score(review, cycle, now)
    outcome = _dated(review.get("outcome"), now)
    if outcome is None:
        return st.view(
            Stage.APPLICATION,
            Status.UNDER_REVIEW,
            f"{prelim['date']} 初审通过，等待专家评审和评审结论。",
            review_path,
            "status-preliminary-passed",
            cid,
            missing=_pending_review(review, now),
        )
    decision = outcome["decision"]
    st.history.append(
        HistoryEntry(cid, "application", decision, outcome["date"], st.score, review_path)
    )
    if decision == RETURNED:
        return st.view(
            Stage.APPLICATION,
            Status.RETURNED,
            f"{outcome['date']} 评审退回。",
            review_path,
            "status-returned",
            cid,
        )
    if decision == REFUSED:
        vetoes = (review.get("expert_review") or {}).get("vetoes")
        rule = "status-veto" if vetoes else "status-refused"
        why = (
            "查实一票否决事项"
            if vetoes
            else f"评审总分 {st.score}"
            if st.score is not None
            else "专家评审"
        )
        return st.view(
            Stage.APPLICATION,
            Status.REFUSED,
            f"{outcome['date']} 不予认定（{why}）。",
            review_path,
            rule,
            cid,
        )
    assert decision == PROPOSED
    return _proposed(st, cycle, review, review_path)


def _proposed(
    st: _State, cycle: _CycleInfo, review: Mapping[str, Any], review_path: str
) -> BaseStatus:
    now, cid = st.now, cycle.id
    pub = review.get("publicity")
    if not pub:
        return st.view(
            Stage.APPLICATION,
            Status.PROPOSED,
            "拟认定，尚未安排公示。",
            review_path,
            "status-publicity-pending",
            cid,
            missing=["公示"],
        )
    start = date.fromisoformat(pub["start"])
    days = int(pub.get("working_days") or cycle.data["publicity"]["working_days"])
    end = publicity_end(start, days, st.cal)
    publicity = Publicity(start.isoformat(), end.isoformat(), days)
    deadline = [Deadline("公示截止", end.isoformat(), False)]
    upheld = [
        o
        for o in pub.get("objections", [])
        if o["upheld"] and date.fromisoformat(o["received"]) <= now
    ]
    if upheld:
        first = min(o["received"] for o in upheld)
        st.history.append(
            HistoryEntry(
                cid, "application", Status.OBJECTION_UPHELD.value, first, st.score, review_path
            )
        )
        return st.view(
            Stage.APPLICATION,
            Status.OBJECTION_UPHELD,
            f"公示期内收到的异议经核查成立（{first}），不予认定。",
            review_path,
            "status-objection-upheld",
            cid,
            publicity=publicity,
            deadlines=deadline,
        )
    if now < start:
        return st.view(
            Stage.APPLICATION,
            Status.PROPOSED,
            f"拟认定，公示将于 {start} 开始（{days} 个工作日）。",
            review_path,
            "status-publicity-pending",
            cid,
            publicity=publicity,
            deadlines=deadline,
            needs_action=WAITING,
        )
    if now <= end:
        return st.view(
            Stage.APPLICATION,
            Status.PROPOSED,
            f"拟认定，公示期 {start} 至 {end}（{days} 个工作日）。",
            review_path,
            "status-publicity-running",
            cid,
            publicity=publicity,
            deadlines=deadline,
            needs_action=WAITING,
        )
    on = end + timedelta(days=1)
    approved = _specialties(review.get("approved_specialties", []))
    st.certify(on, cycle.validity_years, review_path, approved)
    st.history.append(
        HistoryEntry(
            cid, "application", Status.CERTIFIED.value, on.isoformat(), st.score, review_path
        )
    )
    return st.view(
        Stage.APPLICATION,
        Status.CERTIFIED,
        f"公示期 {start} 至 {end} 已满，无成立的异议，自 {on} 起认定，有效期至 {st.valid_until}。",
        review_path,
        "status-publicity-ended",
        cid,
        publicity=publicity,
        deadlines=deadline,
    )


# ---------------------------------------------------------------- assessments


def _is_target(st: _State, cycle: _CycleInfo, incumbent: bool) -> bool:
    if not st.certified or st.certified_on is None:
        return False
    if incumbent:
        return True
    deadline = date.fromisoformat(cycle.data["deadlines"]["assessment"])
    return st.certified_on < deadline and (st.valid_until is None or st.valid_until >= deadline)


def _assessment(st: _State, cycle: _CycleInfo, sub: Submission | None) -> BaseStatus:
    now, cid = st.now, cycle.id
    base, ext = effective_deadline(cycle.data, st.uscc, "assessment")
    last = max(base, ext) if ext else base
    what = "年度自查截止（已获延期）" if ext else "年度自查截止"
    rec = sub.get("assessment") if sub is not None else None
    data = _valid(rec)
    filed: date | None = None
    if rec is not None and data is None:
        st.warnings.append(f"{rec.relpath} 未通过校验，按已提交处理；请先修正校验错误。")
        filed = min(now, last)
    elif data is not None and date.fromisoformat(data["date"]) <= now:
        filed = date.fromisoformat(data["date"])
    review, review_path = _review(sub, "assessment", st)
    outcome = _dated((review or {}).get("outcome"), now)
    if review is not None and outcome is not None:
        return _assessment_outcome(st, cycle, review, review_path, outcome)
    overdue = filed is None and now > last
    deadlines = [Deadline(what, last.isoformat(), overdue or (filed is not None and filed > last))]
    if filed is None:
        if now <= last:
            return st.view(
                Stage.ASSESSMENT,
                Status.AWAITING_SELF_INSPECTION,
                f"已认定基地，须在 {last} 前提交 {cycle.data['assessed_year']} 年度自查材料。",
                cycle.relpath,
                "status-awaiting-self-inspection",
                cid,
                deadlines=deadlines,
                missing=["年度自查材料"],
            )
        return st.view(
            Stage.ASSESSMENT,
            Status.OVERDUE,
            f"截止日期 {last} 前未提交年度自查材料，视为自动放弃考核评估，待市人社局作出取消资格决定。",
            cycle.relpath,
            "status-overdue",
            cid,
            deadlines=deadlines,
            missing=["年度自查材料（已逾期）", "取消资格决定"],
        )
    assert rec is not None
    prelim = _dated((review or {}).get("preliminary"), now)
    if prelim is None:
        if filed > last:
            return st.view(
                Stage.ASSESSMENT,
                Status.OVERDUE,
                f"年度自查材料于 {filed} 提交，晚于截止日期 {last} 且无延期，视为自动放弃考核评估。",
                rec.relpath,
                "status-overdue",
                cid,
                deadlines=deadlines,
                missing=["取消资格决定"],
            )
        return st.view(
            Stage.ASSESSMENT,
            Status.SELF_INSPECTION_FILED,
            f"年度自查材料于 {filed} 提交，等待初审。",
            rec.relpath,
            "status-self-inspection-filed",
            cid,
            deadlines=deadlines,
            missing=["初审"],
        )
    if prelim["result"] == RETURNED:
        return st.view(
            Stage.ASSESSMENT,
            Status.RETURNED,
            f"{prelim['date']} 初审退回，请按初审意见补正后重新提交。",
            review_path,
            "status-returned",
            cid,
            deadlines=deadlines,
        )
    assert review is not None
    st.score = _score(review, cycle, now)
    return st.view(
        Stage.ASSESSMENT,
        Status.SELF_INSPECTION_FILED,
        f"年度自查材料于 {filed} 提交，{prelim['date']} 初审通过，等待专家评审和考核结论。",
        review_path,
        "status-self-inspection-filed",
        cid,
        deadlines=deadlines,
        missing=_pending_review(review, now),
    )


def _apply_changes(st: _State, review: Mapping[str, Any]) -> None:
    changes = review.get("approved_changes") or {}
    for item in changes.get("drop", []):
        # {code: ...} in the schema; a bare code in older records
        st.specialties.pop(item["code"] if isinstance(item, dict) else item, None)
    for item in changes.get("add", []):
        _add(st.specialties, item["code"], item["levels"])


def _assessment_outcome(
    st: _State, cycle: _CycleInfo, review: Mapping[str, Any], path: str, outcome: Mapping[str, Any]
) -> BaseStatus:
    now, cid = st.now, cycle.id
    decision, decided_on = outcome["decision"], outcome["date"]
    expert = review.get("expert_review") or {}
    st.score = _score(review, cycle, now)
    if decision == RETURNED:
        st.history.append(HistoryEntry(cid, "assessment", decision, decided_on, st.score, path))
        return st.view(
            Stage.ASSESSMENT,
            Status.RETURNED,
            f"{decided_on} 年度自查材料被退回，请补正后重新提交。",
            path,
            "status-returned",
            cid,
        )
    st.grade = decision
    st.history.append(HistoryEntry(cid, "assessment", decision, decided_on, st.score, path))
    if decision == REVOKED:
        st.revoke()
        if expert.get("vetoes"):
            rule, why = "status-veto", "查实一票否决事项"
        elif not expert.get("experts"):
            rule, why = "status-forfeit-revoked", "逾期未报年度自查材料，视为自动放弃考核评估"
        else:
            rule, why = "status-assessment-outcome", f"考核总分 {st.score}"
        return st.view(
            Stage.ASSESSMENT,
            Status.REVOKED,
            f"{decided_on} 取消继续教育基地资格（{why}）。",
            path,
            rule,
            cid,
        )
    _apply_changes(st, review)
    if decision in (EXCELLENT, PASS):
        st.renew(date.fromisoformat(decided_on))
        score = f"，总分 {st.score}" if st.score is not None else ""
        return st.view(
            Stage.ASSESSMENT,
            _ASSESSMENT_STATUS[decision],
            f"{decided_on} {cycle.data['assessed_year']} 年度考核结论为{decision}{score}，继续认定。",
            path,
            "status-assessment-outcome",
            cid,
        )
    assert decision == RECTIFY
    deadline = date.fromisoformat(outcome["rectification_deadline"])
    recheck = _dated(outcome.get("recheck"), now)
    if recheck is not None:
        result = recheck["result"]
        st.grade = result
        st.history.append(
            HistoryEntry(cid, "assessment", f"整改复查{result}", recheck["date"], st.score, path)
        )
        if result == REVOKED:
            st.revoke()
            return st.view(
                Stage.ASSESSMENT,
                Status.REVOKED,
                f"{recheck['date']} 整改复查仍未达到要求，取消继续教育基地资格。",
                path,
                "status-recheck",
                cid,
            )
        st.renew(date.fromisoformat(recheck["date"]))
        return st.view(
            Stage.ASSESSMENT,
            Status.PASS,
            f"{recheck['date']} 整改复查合格，继续认定。",
            path,
            "status-recheck",
            cid,
        )
    if now > deadline:
        return st.view(
            Stage.ASSESSMENT,
            Status.RECTIFY_OVERDUE,
            f"整改期限 {deadline} 已过，尚无复查结论。请组织复查并录入 outcome.recheck。",
            path,
            "status-rectify-overdue",
            cid,
            deadlines=[Deadline("整改期限", deadline.isoformat(), True)],
            missing=["整改复查"],
        )
    return st.view(
        Stage.ASSESSMENT,
        Status.RECTIFY,
        f"{decided_on} 考核结论为限期整改，整改期限至 {deadline}。",
        path,
        "status-rectify",
        cid,
        deadlines=[Deadline("整改期限", deadline.isoformat(), False)],
    )


# ---------------------------------------------------------------- the whole registry


def _name(inst: Institution) -> str | None:
    data = inst.record.data if inst.record is not None else None
    name = data.get("name") if isinstance(data, dict) else None
    return name if isinstance(name, str) else None


def _incumbent(cycle: _CycleInfo, uscc: str) -> Mapping[str, Any] | None:
    return next((i for i in cycle.data.get("incumbents", []) if i["uscc"] == uscc), None)


def _latest_specialties(inst: Institution, before: str) -> dict[str, list[str]] | None:
    """An incumbent listed without specialties: the latest approved list in an earlier cycle."""
    for cid in sorted(inst.submissions, reverse=True):
        if cid >= before:
            continue
        review = _valid(inst.submissions[cid].get("review"))
        if review and review.get("approved_specialties"):
            return _specialties(review["approved_specialties"])
    return None


def evaluate_one(inst: Institution, cycles: list[_CycleInfo], now: date) -> BaseStatus:
    st = _State(inst.uscc, _name(inst), WorkCalendar(), now)
    relpath = inst.record.relpath if inst.record is not None else f"{inst.folder}/institution.yaml"
    current = st.view(
        Stage.NONE,
        Status.NOT_FILED,
        "尚未提交申报或年度自查材料。",
        relpath,
        "status-not-filed",
        None,
    )
    for cycle in cycles:
        sub = inst.submissions.get(cycle.id)
        inc = _incumbent(cycle, inst.uscc)
        if inc is not None and not st.revoked and not st.certified:
            on = date.fromisoformat(inc["certified_on"])
            if on <= now:
                specs = (
                    _specialties(inc["specialties"])
                    if "specialties" in inc
                    else _latest_specialties(inst, cycle.id)
                )
                st.certify(on, cycle.validity_years, cycle.relpath, specs)
                # listed in this cycle's notice, so certified at least until its validity from the notice
                st.valid_until = max(
                    st.valid_until or on, validity_end(cycle.issued, cycle.validity_years)
                )
                st.history.append(
                    HistoryEntry(
                        cycle.id,
                        "application",
                        Status.CERTIFIED.value,
                        inc["certified_on"],
                        None,
                        cycle.relpath,
                    )
                )
                doc = f"（{inc['document']}）" if inc.get("document") else ""
                current = st.view(
                    Stage.NONE,
                    Status.CERTIFIED,
                    f"{on} 认定为市级继续教育基地{doc}。",
                    cycle.relpath,
                    "status-incumbent",
                    cycle.id,
                )
        if now < cycle.issued:
            continue  # this round has not begun
        if _is_target(st, cycle, inc is not None):
            if st.valid_until is not None and now > st.valid_until:
                break
            current = _assessment(st, cycle, sub)
        elif sub is not None and sub.get("application") is not None:
            current = _application(st, cycle, sub)
        elif sub is not None and sub.get("assessment") is not None:
            rec = sub.get("assessment")
            assert rec is not None
            st.warnings.append(
                f"{rec.relpath}：本单位在 {cycle.id} 年度不是须参加考核的已认定基地，年度自查材料未计入状态。"
            )
    if st.certified and st.valid_until is not None and now > st.valid_until:
        return st.view(
            Stage.NONE,
            Status.EXPIRED,
            f"认定有效期已于 {st.valid_until} 届满，未继续认定。",
            st.certified_by,
            "status-expired",
            current.cycle,
        )
    current.warnings = list(dict.fromkeys([*st.warnings, *st.cal.warnings()]))
    return current


def evaluate(reg: Registry, now: date) -> dict[str, BaseStatus]:
    """Every institution's status on ``now``, keyed by USCC (sorted)."""
    cycles, warnings = _cycles(reg)
    out = {}
    for uscc in sorted(reg.institutions):
        status = evaluate_one(reg.institutions[uscc], cycles, now)
        status.warnings = list(dict.fromkeys([*warnings, *status.warnings]))
        out[uscc] = status
    return out


def queue(statuses: Mapping[str, BaseStatus]) -> list[BaseStatus]:
    """The reviewers' queue: what needs action first, then the nearest deadline, then the code."""

    def key(s: BaseStatus) -> tuple[int, str, str]:
        open_deadlines = [d.date for d in s.deadlines]
        return s.needs_action, min(open_deadlines, default="9999-12-31"), s.uscc

    return sorted(statuses.values(), key=key)
