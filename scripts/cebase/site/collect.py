"""What the public site shows, as plain data: public fields only, sorted.

Records are read only through ``privacy.public_view``; statuses and notices
come from the status engine. Everything here is a pure function of the
registry, the statuses and the date, so the pages and the open data agree;
a cycle issued after the date is not shown at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..git import last_changed
from ..model import CERTIFIED_STATUSES, BaseStatus, Status
from ..privacy import public_view
from ..registry import Registry
from ..status import Batch, NoticeItem, NoticeKind, notices
from ..vocab import (
    ASSESSMENT_DECISIONS,
    KIND_NAMES,
    Decision,
    Kind,
    chinese_date,
    parse_day,
    sorted_levels,
)
from ..workdays import WorkCalendar, calendar_of

# Public label of a status in the directory: the public needs "is it a base", not the queue.
RECTIFYING = frozenset({Status.RECTIFY, Status.RECTIFY_OVERDUE})
PUBLIC_LABEL_CERTIFIED = "已认定"
PUBLIC_LABEL_RECTIFY = Decision.RECTIFY.value
PUBLIC_LABEL_PROPOSED = "公示中"
GRADES = ASSESSMENT_DECISIONS
BODY = "乌鲁木齐市市级专业技术人员继续教育基地"


@dataclass
class Base:
    uscc: str
    profile: dict[str, Any]  # public view of institution.yaml
    label: str
    status: str  # the engine's status value
    grade: str | None
    certified_on: str | None
    valid_until: str | None
    specialties: list[dict[str, Any]]  # {code, name, series, levels}
    series: list[str]
    platform: dict[str, Any] | None
    history: list[dict[str, Any]]
    publicity: dict[str, Any] | None
    last_changed: str | None


@dataclass
class NoticeEntry:
    uscc: str
    name: str
    district: str
    category: str
    detail: str = ""  # grade, deadline or reason, public wording
    reason: str = ""  # why a base was revoked, as the notice states it


@dataclass
class Notice:
    id: str  # "<cycle>-<YYYYMMDD>-proposed|results|revoked": one per batch
    cycle: str
    kind: str  # proposed | results | revoked
    title: str
    date: str  # the notice's date: its 公示's first day, or the decision date
    entries: list[NoticeEntry]
    groups: dict[str, list[NoticeEntry]] = field(default_factory=dict)
    publicity: dict[str, Any] | None = None  # start, end, working_days
    detail_titles: dict[str, str] = field(default_factory=dict)  # group -> its detail column


@dataclass
class SiteData:
    now: str
    cycle_id: str | None
    cycle: dict[str, Any]  # public view of the latest cycle
    catalogue: dict[str, Any]  # public view of the latest specialties.yaml
    specialty_index: dict[str, dict[str, Any]]
    bases: list[Base]
    notices: list[Notice]
    deadlines: list[dict[str, str]]  # {date, what, cycle}
    cycles: dict[str, dict[str, Any]]
    uncovered_years: list[int] = field(default_factory=list)
    # the bureau's age recipients (public keys, cycles/recipients.txt): the forms seal to them
    recipients: tuple[str, ...] = ()


def _listed(st: BaseStatus) -> str | None:
    if st.status in RECTIFYING:
        return PUBLIC_LABEL_RECTIFY
    if st.status in CERTIFIED_STATUSES:
        return PUBLIC_LABEL_CERTIFIED
    if st.status is Status.PROPOSED and st.rule == "status-publicity-running":
        return PUBLIC_LABEL_PROPOSED  # a 公示 not begun is not public yet
    return None


def _valid_data(rec: Any) -> dict[str, Any] | None:
    return rec.data if rec is not None and rec.valid else None


def _specialty_rows(
    codes: Mapping[str, list[str]], index: Mapping[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    rows = []
    for code in sorted(codes):
        spec = index.get(code, {})
        rows.append(
            {
                "code": code,
                "name": spec.get("name", code),
                "series": spec.get("series", ""),
                "levels": sorted_levels(codes[code]),
            }
        )
    return rows


def _platform(reg: Registry, uscc: str) -> dict[str, Any] | None:
    inst = reg.institutions[uscc]
    for cid in sorted(inst.submissions, reverse=True):
        app = _valid_data(inst.submissions[cid].get(Kind.APPLICATION))
        if app is not None:
            view = public_view(Kind.APPLICATION, app)
            return view.get("conditions", {}).get("online_platform") or None
    return None


def _base(
    reg: Registry, st: BaseStatus, label: str, profile: dict[str, Any], ctx: dict[str, Any]
) -> Base:
    specs = _specialty_rows(st.specialties, ctx["index"])
    history = [
        {
            "cycle": h.cycle,
            "kind": "申报认定" if h.kind == Kind.APPLICATION else "年度考核",
            "decision": h.decision,
            "date": h.date or "",
        }
        for h in sorted(st.history, key=lambda h: (h.cycle, h.date or "", h.kind))
    ]
    p = st.publicity
    pub = {"start": p.start, "end": p.end, "working_days": p.working_days} if p else None
    return Base(
        uscc=st.uscc,
        profile=profile,
        label=label,
        status=str(st.status),
        grade=st.grade,
        certified_on=st.certified_on,
        valid_until=st.valid_until,
        specialties=specs,
        series=sorted({s["series"] for s in specs if s["series"]}),
        platform=_platform(reg, st.uscc),
        history=history,
        publicity=pub,
        last_changed=ctx["changed"].get(st.uscc),
    )


def _profiles(reg: Registry) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for uscc in sorted(reg.institutions):
        data = _valid_data(reg.institutions[uscc].record)
        if data is not None and data.get("uscc") == uscc:
            out[uscc] = public_view(Kind.INSTITUTION, data)
    return out


def _cycles(reg: Registry, now: date) -> dict[str, dict[str, Any]]:
    """Public views of the cycles issued by ``now``."""
    out = {}
    for cid in sorted(reg.cycles):
        data = reg.cycle_data(cid, Kind.CYCLE)
        issued = parse_day(data.get("issued")) if data is not None else None
        if data is not None and issued is not None and issued <= now:
            out[cid] = public_view(Kind.CYCLE, data)
    return out


def collect(
    reg: Registry, statuses: Mapping[str, BaseStatus], now: date, *, git_dates: bool = True
) -> SiteData:
    cycles = _cycles(reg, now)
    cycle_id = max(cycles) if cycles else None
    spec_data = reg.cycle_data(cycle_id, Kind.SPECIALTIES) if cycle_id else None
    catalogue = public_view(Kind.SPECIALTIES, spec_data) if spec_data else {}
    spec_index = {s["code"]: s for s in catalogue.get("specialties", [])}
    changed = last_changed(reg.root) if git_dates else {}
    # a commit dated after the build date is not shown either
    changed = {u: d for u, d in changed.items() if d <= now.isoformat()}
    ctx = {"index": spec_index, "changed": changed}
    profiles = _profiles(reg)
    bases = []
    for uscc in sorted(profiles):
        st = statuses.get(uscc)
        label = _listed(st) if st is not None else None
        if st is not None and label is not None:
            bases.append(_base(reg, st, label, profiles[uscc], ctx))
    batches = [b for b in notices(statuses, now) if b.cycle in cycles]
    published = [_notice(b, profiles, cycles[b.cycle]) for b in batches]
    uncovered = _uncovered(batches, calendar_of(reg))
    return SiteData(
        now=now.isoformat(),
        cycle_id=cycle_id,
        cycle=cycles.get(cycle_id, {}) if cycle_id else {},
        catalogue=catalogue,
        specialty_index=spec_index,
        bases=bases,
        notices=published,
        deadlines=deadlines(cycles, batches, profiles),
        cycles=cycles,
        uncovered_years=sorted(uncovered),
        recipients=reg.keys.policy.recipients,
    )


def _uncovered(batches: Iterable[Batch], cal: WorkCalendar) -> set[int]:
    """Years of a published 公示 that neither the package nor a cycle's declaration covers."""
    for b in batches:
        if b.publicity is not None:
            start, end = date.fromisoformat(b.publicity.start), date.fromisoformat(b.publicity.end)
            cal.count_working_days(start, end)
    return cal.uncovered_years


# ---------------------------------------------------------------- notices


def zh_date(day: str) -> str:
    return chinese_date(date.fromisoformat(day))


def _title(b: Batch, cycle: Mapping[str, Any]) -> str:
    if b.kind == NoticeKind.PROPOSED:
        return f"{b.cycle}年度{BODY}拟认定名单公示（{zh_date(b.date)}）"
    if b.kind == NoticeKind.RESULTS:
        year = cycle.get("assessed_year", int(b.cycle) - 1)
        return f"{year}年度{BODY}考核结果公告（{zh_date(b.date)}）"
    return f"关于取消部分{BODY}资格的公告（{zh_date(b.date)}）"


def _detail(item: NoticeItem) -> str:
    if item.decision == Decision.RECTIFY and item.deadline:
        return f"整改期限至 {item.deadline}"
    return item.reason


def _entry(item: NoticeItem, profiles: Mapping[str, dict[str, Any]]) -> NoticeEntry:
    p = profiles.get(item.uscc, {})
    return NoticeEntry(
        item.uscc,
        p.get("name", item.uscc),
        p.get("district", ""),
        p.get("category", ""),
        _detail(item),
        item.reason,
    )


def _notice(b: Batch, profiles: Mapping[str, dict[str, Any]], cycle: Mapping[str, Any]) -> Notice:
    entries = [_entry(i, profiles) for i in b.items]
    by_uscc = {e.uscc: e for e in entries}
    groups, titles = {}, {}
    if b.kind == NoticeKind.RESULTS:
        titles = {Decision.RECTIFY.value: "整改要求", Decision.REVOKED.value: "取消原因"}
        groups = {str(d): [by_uscc[i.uscc] for i in items] for d, items in b.groups().items()}
        entries = [e for es in groups.values() for e in es]
    p = b.publicity
    pub = {"start": p.start, "end": p.end, "working_days": p.working_days} if p else None
    title = _title(b, cycle)
    return Notice(b.id, b.cycle, str(b.kind), title, b.date, entries, groups, pub, titles)


# ---------------------------------------------------------------- deadlines


def deadlines(
    cycles: Mapping[str, dict[str, Any]],
    batches: Iterable[Batch],
    profiles: Mapping[str, dict[str, Any]],
) -> list[dict[str, str]]:
    """Every published deadline: the cycles' own, each 公示's end, each rectification deadline."""
    out = []
    for cid, c in cycles.items():
        for kind, d in sorted((c.get("deadlines") or {}).items()):
            what = f"{cid}年度基地{KIND_NAMES.get(kind, kind)}材料报送截止"
            out.append({"date": str(d), "what": what, "cycle": cid})
    rectify: dict[tuple[str, str], list[str]] = {}
    for b in batches:
        if b.publicity is not None:
            what = f"{b.cycle}年度拟认定名单公示期结束（{zh_date(b.publicity.start)}起公示的 {len(b.items)} 家单位）"
            out.append({"date": b.publicity.end, "what": what, "cycle": b.cycle})
        for item in b.items if b.kind == NoticeKind.RESULTS else ():
            if item.decision == Decision.RECTIFY and item.deadline:
                name = profiles.get(item.uscc, {}).get("name", item.uscc)
                rectify.setdefault((b.cycle, item.deadline), []).append(name)
    for (cid, day), names in rectify.items():
        what = f"{cid}年度考核限期整改期限（{'、'.join(sorted(names))}）"
        out.append({"date": day, "what": what, "cycle": cid})
    uniq = {(x["date"], x["what"]): x for x in out}
    return [uniq[k] for k in sorted(uniq)]


def upcoming(
    deadlines: list[dict[str, str]], now: str, limit: int | None = None
) -> list[dict[str, str]]:
    """The deadlines from ``now`` on (all of them unless ``limit``): running 公示 included."""
    ahead = [d for d in deadlines if d["date"] >= now]
    return ahead if limit is None else ahead[:limit]
