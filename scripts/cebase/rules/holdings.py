"""What a base holds, read from the records (not the status engine: rules come before it).

A self-inspection is filed by a certified base of the cycle; its year is the
cycle's assessed year; a specialty is listed once; an added specialty is not
one the base already holds; a level the catalogue reserves for a zone is
requested from inside it. "Certified" and "holds" are read date-free from the
records that establish them (the cycle's ``incumbents``, earlier cycles'
拟认定 with their 公示, approved changes, revocations); the status engine, a
later stage, derives the same on a date and warns about the rest.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..findings import Finding, Severity, field_path
from ..registry import Record
from ..vocab import Decision, Kind, sorted_levels
from . import Context, at, rule
from .catalogue import SPECIALTY_LISTS, _get

Specs = dict[str, set[str]]
# Where a base asks for specialties it does not hold yet.
ADDITIONS = {
    Kind.ASSESSMENT: ("specialty_changes", "add"),
    Kind.REVIEW: ("approved_changes", "add"),
}
REQUESTS = {Kind.APPLICATION: ("specialties",), Kind.ASSESSMENT: ("specialty_changes", "add")}


def _uscc(rec: Record) -> str:
    return rec.relpath.split("/")[1]


def _merge(specs: Specs, items: Any) -> None:
    for item in items or []:
        specs.setdefault(item["code"], set()).update(item.get("levels") or [])


def _revoked(review: Mapping[str, Any]) -> bool:
    outcome = review.get("outcome") or {}
    recheck = outcome.get("recheck") or {}
    return Decision.REVOKED in (outcome.get("decision"), recheck.get("result"))


def _earlier(ctx: Context, uscc: str, cycle: str, specs: Specs) -> bool:
    """Replay earlier cycles' reviews: whether the base stands certified, what it holds."""
    inst = ctx.registry.institutions.get(uscc)
    certified = False
    for cid in sorted(inst.submissions if inst else ()):
        review = inst.submissions[cid].get(Kind.REVIEW) if cid < cycle and inst else None
        data = review.data if review is not None and review.valid else None
        if data is None:
            continue
        outcome = (data.get("outcome") or {}).get("decision")
        objections = (data.get("publicity") or {}).get("objections") or []
        if outcome == Decision.PROPOSED and data.get("publicity"):
            if not any(o.get("upheld") for o in objections):
                certified = True
                specs.clear()
                _merge(specs, data.get("approved_specialties"))
        elif _revoked(data):
            certified = False
        else:
            changes = data.get("approved_changes") or {}
            _merge(specs, changes.get("add"))
            for item in changes.get("drop") or []:
                specs.pop(item["code"], None)
    return certified


def standing(ctx: Context, uscc: str, cycle: str) -> tuple[bool, Specs]:
    """Whether ``uscc`` is a certified base entering ``cycle``, and the specialties it holds."""
    specs: Specs = {}
    certified = _earlier(ctx, uscc, cycle, specs)
    for inc in ctx.index(cycle).incumbents.get(uscc, ()):
        certified = True
        if "specialties" in inc:
            specs = {}
            _merge(specs, inc["specialties"])
    return certified, specs


@rule("assessment-not-base", Kind.ASSESSMENT)
def check_is_base(rec: Record, ctx: Context) -> Iterator[Finding]:
    """A self-inspection comes from a certified base of the cycle."""
    uscc, cycle = _uscc(rec), str(rec.data.get("cycle"))
    sub = ctx.submission_of(rec)
    if sub is not None and Kind.APPLICATION in sub.records:
        return  # one-submission-per-cycle already says which file to keep
    if ctx.cycle(cycle) is None or standing(ctx, uscc, cycle)[0]:
        return
    yield at(
        rec,
        (),
        "assessment-not-base",
        f"本单位（{uscc}）不是 {cycle} 年度须参加考核的已认定基地：不在 cycles/{cycle}/cycle.yaml 的 "
        "incumbents 中，此前年度也没有经公示认定的记录。新单位请提交申报（application.yaml），不要提交年度自查；"
        "如本单位确已认定，请联系市人社局把它列入 incumbents。",
    )


@rule("assessment-year", Kind.ASSESSMENT)
def check_year(rec: Record, ctx: Context) -> Iterator[Finding]:
    """The self-inspection reports the year the cycle assesses."""
    cycle = str(rec.data.get("cycle"))
    expected = (ctx.cycle(cycle) or {}).get("assessed_year")
    year = rec.data.get("year")
    if expected is None or year == expected:
        return
    yield at(
        rec,
        ("year",),
        "assessment-year",
        f"year 写的是 {year}，但 {cycle} 年度考核的是 {expected} 年度的工作（cycles/{cycle}/cycle.yaml 的 "
        f"assessed_year）。请改为 year: {expected}，否则打印的附件2、附件3 会写错年度。",
    )


@rule("specialty-duplicate", Kind.APPLICATION, Kind.ASSESSMENT, Kind.REVIEW)
def check_duplicates(rec: Record, ctx: Context) -> Iterator[Finding]:
    """A specialty appears once in each list."""
    for list_path, _ in SPECIALTY_LISTS[rec.kind]:
        seen: dict[str, int] = {}
        for i, item in enumerate(_get(rec.data, list_path)):
            code = item if isinstance(item, str) else item.get("code")
            if code not in seen:
                seen[code] = i
                continue
            where = field_path((*list_path, seen[code]))
            yield at(
                rec,
                (*list_path, i) if isinstance(item, str) else (*list_path, i, "code"),
                "specialty-duplicate",
                f"专业“{code}”在 {field_path(list_path)} 中重复出现（{where} 已列出）。"
                "同一专业只写一次，把级别合并到同一项的 levels 中，并删除这一项。",
            )


@rule("specialty-already-held", Kind.ASSESSMENT, Kind.REVIEW)
def check_already_held(rec: Record, ctx: Context) -> Iterator[Finding]:
    """An added specialty brings at least one level the base does not hold yet."""
    path = ADDITIONS[rec.kind]
    items = _get(rec.data, path)
    if not items:
        return
    cycle = str(rec.data.get("cycle"))
    held, cat = standing(ctx, _uscc(rec), cycle)[1], ctx.index(cycle).catalogue or {}
    for i, item in enumerate(items):
        code, levels = item["code"], set(item.get("levels") or [])
        if code in held and levels and levels <= held[code]:
            name = (cat.get(code) or {}).get("name", "")
            yield at(
                rec,
                (*path, i, "code"),
                "specialty-already-held",
                f"本基地已经可以培训专业“{name}”（{code}）的{'、'.join(sorted_levels(held[code]))}，"
                f"不需要申请增加。请删除这一项；如需增加新的级别，levels 中只写新增的级别。",
            )


def _zone_rules(ctx: Context, cycle: str) -> dict[str, list[Mapping[str, Any]]]:
    """Series name -> the levels the catalogue reserves for a zone."""
    data = ctx.cycle(cycle, Kind.SPECIALTIES) or {}
    return {
        s["name"]: s["restricted_levels"]
        for s in data.get("series", [])
        if s.get("restricted_levels")
    }


@rule("specialty-zone-level", Kind.APPLICATION, Kind.ASSESSMENT)
def check_zone_levels(rec: Record, ctx: Context) -> Iterator[Finding]:
    """A level the catalogue reserves for a zone is requested from inside that zone."""
    cycle = str(rec.data.get("cycle"))
    reserved, cat = _zone_rules(ctx, cycle), ctx.index(cycle).catalogue or {}
    inst = ctx.registry.institutions.get(_uscc(rec))
    profile = inst.record.data if inst and inst.record and inst.record.valid else {}
    zone = (profile or {}).get("zone")
    path = REQUESTS[rec.kind]
    for i, item in enumerate(_get(rec.data, path) if reserved else []):
        spec = cat.get(item["code"]) or {}
        for r in reserved.get(spec.get("series", ""), []):
            if r["level"] in (item.get("levels") or []) and zone != r["zone"]:
                j = item["levels"].index(r["level"])
                basis = f"（{r['basis']}）" if r.get("basis") else ""
                yield at(
                    rec,
                    (*path, i, "levels", j),
                    "specialty-zone-level",
                    f"专业“{spec['name']}”（{item['code']}）属于{spec['series']}系列，该系列的{r['level']}培训由"
                    f"{r['zone']}组织开展{basis}；本单位 institution.yaml 的 zone 不是该片区。"
                    f"请评审人员核对；如不符合，请删去“{r['level']}”。",
                    severity=Severity.WARNING,
                )
