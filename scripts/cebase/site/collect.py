"""What the public site shows, as plain data: public fields only, sorted.

Records are read only through ``privacy.public_view``; statuses come from the
status engine. Everything here is a pure function of the registry, the
statuses and the date, so the pages and the open data agree.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..model import CERTIFIED_STATUSES, BaseStatus, Status
from ..privacy import public_view
from ..registry import Registry
from ..workdays import WorkCalendar

# Public label of a status in the directory: the public needs "is it a base", not the queue.
RECTIFYING = frozenset({Status.RECTIFY, Status.RECTIFY_OVERDUE})
PUBLIC_LABEL_CERTIFIED = "已认定"
PUBLIC_LABEL_RECTIFY = "限期整改"
PUBLIC_LABEL_PROPOSED = "公示中"
GRADES = ("优秀", "合格", "限期整改", "取消资格")
LEVEL_ORDER = {"初级": 0, "中级": 1, "副高级": 2, "正高级": 3}


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


@dataclass
class Notice:
    id: str  # "<cycle>-proposed" | "<cycle>-results" | "<cycle>-revoked"
    cycle: str
    kind: str  # proposed | results | revoked
    title: str
    date: str  # date of the notice: the latest decision it lists
    entries: list[NoticeEntry]
    groups: dict[str, list[NoticeEntry]] = field(default_factory=dict)
    publicity: dict[str, Any] | None = None  # start, end, working_days


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


def _listed(st: BaseStatus) -> str | None:
    if st.status in RECTIFYING:
        return PUBLIC_LABEL_RECTIFY
    if st.status in CERTIFIED_STATUSES:
        return PUBLIC_LABEL_CERTIFIED
    if st.status is Status.PROPOSED:
        return PUBLIC_LABEL_PROPOSED
    return None


def last_changed_dates(root: Path) -> dict[str, str]:
    """USCC -> date (YYYY-MM-DD) of the last commit touching its folder; empty outside Git."""
    try:
        import git  # GitPython, only when building
    except ImportError:  # pragma: no cover - a declared dependency
        return {}
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return {}
    top = Path(repo.working_tree_dir or root).resolve()
    try:
        prefix = (root.resolve() / "submissions").relative_to(top).as_posix()
    except ValueError:
        return {}
    try:
        # one log for all folders: newest first, so the first date seen per folder wins
        out = repo.git.log("--format=%x00%cs", "--name-only", "--", prefix)
    except (git.GitCommandError, subprocess.SubprocessError):
        return {}
    dates: dict[str, str] = {}
    for chunk in out.split("\x00"):
        lines = [ln for ln in chunk.splitlines() if ln.strip()]
        if not lines:
            continue
        day = lines[0].strip()
        for path in lines[1:]:
            rest = path.strip()[len(prefix) + 1 :]
            uscc = rest.split("/", 1)[0]
            if uscc and uscc not in dates:
                dates[uscc] = day
    return dates


def _valid_data(rec: Any) -> dict[str, Any] | None:
    return rec.data if rec is not None and rec.valid else None


def _specialty_rows(
    codes: Mapping[str, list[str]], index: Mapping[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    rows = []
    for code in sorted(codes):
        spec = index.get(code, {})
        levels = sorted(codes[code], key=lambda lv: LEVEL_ORDER.get(lv, 9))
        rows.append(
            {
                "code": code,
                "name": spec.get("name", code),
                "series": spec.get("series", ""),
                "levels": levels,
            }
        )
    return rows


def collect(
    reg: Registry, statuses: Mapping[str, BaseStatus], now: date, *, git_dates: bool = True
) -> SiteData:
    cal = WorkCalendar()
    cycles = {
        cid: public_view("cycle", data)
        for cid in sorted(reg.cycles)
        if (data := reg.cycle_data(cid, "cycle")) is not None
    }
    cycle_id = max(cycles) if cycles else None
    cycle = cycles.get(cycle_id, {}) if cycle_id else {}
    spec_data = reg.cycle_data(cycle_id, "specialties") if cycle_id else None
    catalogue = public_view("specialties", spec_data) if spec_data else {}
    spec_index = {s["code"]: s for s in catalogue.get("specialties", [])}
    changed = last_changed_dates(reg.root) if git_dates else {}

    profiles: dict[str, dict[str, Any]] = {}
    for uscc in sorted(reg.institutions):
        data = _valid_data(reg.institutions[uscc].record)
        if data is not None and data.get("uscc") == uscc:
            profiles[uscc] = public_view("institution", data)

    bases: list[Base] = []
    for uscc in sorted(profiles):
        st = statuses.get(uscc)
        label = _listed(st) if st is not None else None
        if st is None or label is None:
            continue
        inst = reg.institutions[uscc]
        platform = None
        for cid in sorted(inst.submissions, reverse=True):
            app = _valid_data(inst.submissions[cid].get("application"))
            if app is not None:
                platform = (
                    public_view("application", app).get("conditions", {}).get("online_platform")
                )
                break
        specs = _specialty_rows(st.specialties, spec_index)
        history = [
            {
                "cycle": h.cycle,
                "kind": "申报认定" if h.kind == "application" else "年度考核",
                "decision": h.decision,
                "date": h.date or "",
            }
            for h in sorted(st.history, key=lambda h: (h.cycle, h.date or "", h.kind))
        ]
        pub = None
        if st.publicity is not None:
            pub = {
                "start": st.publicity.start,
                "end": st.publicity.end,
                "working_days": st.publicity.working_days,
            }
        bases.append(
            Base(
                uscc=uscc,
                profile=profiles[uscc],
                label=label,
                status=str(st.status),
                grade=st.grade,
                certified_on=st.certified_on,
                valid_until=st.valid_until,
                specialties=specs,
                series=sorted({s["series"] for s in specs if s["series"]}),
                platform=platform or None,
                history=history,
                publicity=pub,
                last_changed=changed.get(uscc),
            )
        )

    notices = _notices(reg, statuses, profiles, cycles, cal)
    deadlines = _deadlines(cycles, notices)
    return SiteData(
        now=now.isoformat(),
        cycle_id=cycle_id,
        cycle=cycle,
        catalogue=catalogue,
        specialty_index=spec_index,
        bases=bases,
        notices=notices,
        deadlines=deadlines,
        cycles=cycles,
        uncovered_years=sorted(cal.uncovered_years),
    )


def _entry(uscc: str, profiles: Mapping[str, dict[str, Any]], detail: str = "") -> NoticeEntry:
    p = profiles.get(uscc, {})
    return NoticeEntry(
        uscc, p.get("name", uscc), p.get("district", ""), p.get("category", ""), detail
    )


def _notices(
    reg: Registry,
    statuses: Mapping[str, BaseStatus],
    profiles: Mapping[str, dict[str, Any]],
    cycles: Mapping[str, dict[str, Any]],
    cal: WorkCalendar,
) -> list[Notice]:
    out: list[Notice] = []
    for cid in sorted(cycles, reverse=True):
        proposed: list[tuple[NoticeEntry, dict[str, Any]]] = []
        results: dict[str, list[NoticeEntry]] = {g: [] for g in GRADES}
        revoked: dict[str, NoticeEntry] = {}
        dates = {"proposed": "", "results": "", "revoked": ""}
        for uscc in sorted(profiles):
            sub = reg.institutions[uscc].submissions.get(cid)
            review = _valid_data(sub.get("review")) if sub else None
            if review is None:
                continue
            rv = public_view("review", review)
            outcome = rv.get("outcome") or {}
            decision, day = outcome.get("decision"), outcome.get("date", "")
            if rv.get("subject") == "application" and decision == "拟认定":
                proposed.append((_entry(uscc, profiles), rv.get("publicity") or {}))
                dates["proposed"] = max(dates["proposed"], day)
            elif rv.get("subject") == "assessment" and decision in results:
                detail = ""
                if decision == "限期整改" and outcome.get("rectification_deadline"):
                    detail = f"整改期限至 {outcome['rectification_deadline']}"
                results[decision].append(_entry(uscc, profiles, detail))
                dates["results"] = max(dates["results"], day)
                recheck = outcome.get("recheck") or {}
                if decision == "取消资格" or recheck.get("result") == "取消资格":
                    why = "考核不合格" if decision == "取消资格" else "限期整改后复查仍不合格"
                    revoked[uscc] = _entry(uscc, profiles, why)
                    dates["revoked"] = max(dates["revoked"], recheck.get("date") or day)
        for uscc in sorted(profiles):
            st = statuses.get(uscc)
            if (
                st is not None
                and st.status is Status.REVOKED
                and st.cycle == cid
                and uscc not in revoked
            ):
                revoked[uscc] = _entry(uscc, profiles, "未按期报送年度自查材料")
                for h in st.history:
                    if h.cycle == cid and h.date:
                        dates["revoked"] = max(dates["revoked"], h.date)
        title_year = cycles[cid].get("assessed_year", int(cid) - 1)
        if proposed:
            pub = _publicity(proposed, statuses, cycles[cid], cal)
            out.append(
                Notice(
                    f"{cid}-proposed",
                    cid,
                    "proposed",
                    f"{cid}年度乌鲁木齐市市级专业技术人员继续教育基地拟认定名单公示",
                    dates["proposed"] or cycles[cid].get("issued", ""),
                    [e for e, _ in proposed],
                    publicity=pub,
                )
            )
        if any(results.values()):
            entries = [e for g in GRADES for e in results[g]]
            out.append(
                Notice(
                    f"{cid}-results",
                    cid,
                    "results",
                    f"{title_year}年度乌鲁木齐市市级专业技术人员继续教育基地考核结果公告",
                    dates["results"] or cycles[cid].get("issued", ""),
                    entries,
                    groups={g: v for g, v in results.items() if v},
                )
            )
        if revoked:
            out.append(
                Notice(
                    f"{cid}-revoked",
                    cid,
                    "revoked",
                    f"关于取消部分乌鲁木齐市市级专业技术人员继续教育基地资格的公告（{cid}年度）",
                    dates["revoked"] or cycles[cid].get("issued", ""),
                    [revoked[u] for u in sorted(revoked)],
                )
            )
    out.sort(key=lambda n: (n.date, n.id), reverse=True)
    return out


def _publicity(
    proposed: list[tuple[NoticeEntry, dict[str, Any]]],
    statuses: Mapping[str, BaseStatus],
    cycle: Mapping[str, Any],
    cal: WorkCalendar,
) -> dict[str, Any] | None:
    """The 公示 period of a list: the engine's, else computed from the review."""
    for entry, _ in proposed:
        st = statuses.get(entry.uscc)
        if st is not None and st.publicity is not None:
            p = st.publicity
            return {"start": p.start, "end": p.end, "working_days": p.working_days}
    starts = sorted(p["start"] for _, p in proposed if p.get("start"))
    if not starts:
        return None
    days = next((p["working_days"] for _, p in proposed if p.get("working_days")), None)
    days = days or cycle.get("publicity", {}).get("working_days", 5)
    end = cal.add_working_days(date.fromisoformat(starts[0]), int(days))
    return {"start": starts[0], "end": end.isoformat(), "working_days": int(days)}


def _deadlines(cycles: Mapping[str, dict[str, Any]], notices: list[Notice]) -> list[dict[str, str]]:
    out = []
    for cid, c in cycles.items():
        d = c.get("deadlines", {})
        if d.get("application"):
            out.append({"date": d["application"], "what": f"{cid}年度基地申报截止", "cycle": cid})
        if d.get("assessment"):
            out.append(
                {
                    "date": d["assessment"],
                    "what": f"{cid}年度基地考核自查材料报送截止",
                    "cycle": cid,
                }
            )
    for n in notices:
        if n.publicity:
            out.append(
                {
                    "date": n.publicity["end"],
                    "what": f"{n.cycle}年度拟认定名单公示期结束",
                    "cycle": n.cycle,
                }
            )
    uniq = {(x["date"], x["what"]): x for x in out}
    return [uniq[k] for k in sorted(uniq)]


def upcoming(deadlines: list[dict[str, str]], now: str, limit: int = 5) -> list[dict[str, str]]:
    return [d for d in deadlines if d["date"] >= now][:limit]
