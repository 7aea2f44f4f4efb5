"""The site's page families: each a small function from the site data to pages.

A page is a path, a template and a context (``render.Page``); nothing here
writes files or knows the engine. The order of ``FAMILIES`` is the order of
rendering, and the output does not depend on it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from markupsafe import Markup

from ..schemas import resolve, schema
from ..vocab import PENDING_CONFIRMATION
from . import charts, opendata
from .collect import GRADES, PUBLIC_LABEL_PROPOSED, PUBLIC_LABEL_RECTIFY, SiteData, upcoming
from .fields import FIELD_KINDS, field_rows
from .render import Page, page

SPECIALTY_PAGE_LIMIT = 100  # keep specialty pages bounded; the directory has the rest
FIELD_FILES = {
    "institution": "submissions/<统一社会信用代码>/institution.yaml",
    "application": "submissions/<统一社会信用代码>/<周期>/application.yaml",
    "assessment": "submissions/<统一社会信用代码>/<周期>/assessment.yaml",
    "review": "submissions/<统一社会信用代码>/<周期>/review.yaml（市人社局填写）",
}
BADGES = {PUBLIC_LABEL_PROPOSED: "proposed", PUBLIC_LABEL_RECTIFY: "rectify"}
COLUMNS = ("单位名称", "所在区（县）", "单位性质", "职称系列", "状态", "考核等次", "认定日期")


def enum_order(name: str) -> tuple[str, ...]:
    """The order of a vocabulary the schemas define (districts, categories)."""
    return tuple(resolve(schema("defs")["$defs"][name])["enum"])


def catalogue_pending(data: SiteData) -> bool:
    """The cycle's 专业目录 still carries the bureau's not-yet-confirmed mark."""
    return data.catalogue.get("status") == PENDING_CONFIRMATION


def _ranked(counter: Counter[str], order: tuple[str, ...] = ()) -> list[tuple[str, int]]:
    rank = {v: i for i, v in enumerate(order)}
    return sorted(counter.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))


def _options(values: list[str], order: tuple[str, ...] = ()) -> list[dict[str, str]]:
    return [{"value": v, "label": v} for v, _ in _ranked(Counter(values), order) if v]


def home(data: SiteData) -> Iterator[Page]:
    bases = data.bases
    counts = {
        "certified": sum(b.label != PUBLIC_LABEL_PROPOSED for b in bases),
        "proposed": sum(b.label == PUBLIC_LABEL_PROPOSED for b in bases),
        "rectify": sum(b.label == PUBLIC_LABEL_RECTIFY for b in bases),
        "specialties": len(data.specialty_index),
    }
    yield page(
        "index.md",
        "index.md.j2",
        now=data.now,
        counts=counts,
        cycle=data.cycle,
        pending=catalogue_pending(data),
        notices=data.notices,
        deadlines=upcoming(data.deadlines, data.now),
    )


def _filters(data: SiteData) -> list[dict[str, Any]]:
    bases = data.bases
    names = {c: s.get("name", c) for c, s in data.specialty_index.items()}
    codes = sorted({s["code"] for b in bases for s in b.specialties})

    def profile(key: str) -> list[str]:
        return [b.profile.get(key, "") for b in bases]

    return [
        {
            "key": "district",
            "label": "所在区（县）",
            "options": _options(profile("district"), enum_order("district")),
        },
        {
            "key": "category",
            "label": "单位性质",
            "options": _options(profile("category"), enum_order("category")),
        },
        {
            "key": "series",
            "label": "职称系列",
            "options": _options([s for b in bases for s in b.series]),
        },
        {
            "key": "specialty",
            "label": "培训专业",
            "options": [{"value": c, "label": f"{names.get(c, c)}（{c}）"} for c in codes],
        },
        {
            "key": "status",
            "label": "状态",
            "options": _options([b.label for b in bases], ("已认定", "公示中", "限期整改")),
        },
        {
            "key": "grade",
            "label": "考核等次",
            "options": _options([b.grade or "" for b in bases], GRADES),
        },
    ]


def directory(data: SiteData) -> Iterator[Page]:
    columns = [{"label": c, "type": "text"} for c in COLUMNS]
    yield page(
        "bases/index.md",
        "directory.md.j2",
        now=data.now,
        bases=data.bases,
        filters=_filters(data),
        columns=columns,
    )


def bases(data: SiteData) -> Iterator[Page]:
    pending = catalogue_pending(data)
    for b in data.bases:
        badge = BADGES.get(b.label, "certified")
        yield page(
            f"bases/{b.uscc}.md", "base.md.j2", b=b, badge=badge, now=data.now, pending=pending
        )


def _series(data: SiteData) -> list[dict[str, Any]]:
    order = [s.get("name", "") for s in data.catalogue.get("series", [])]
    by_series: dict[str, list[dict[str, Any]]] = {}
    for sp in data.catalogue.get("specialties", []):
        by_series.setdefault(sp.get("series", ""), []).append(sp)

    def rank(name: str) -> tuple[int, str]:
        return (order.index(name) if name in order else len(order), name)

    return [
        {"name": name, "specialties": sorted(by_series[name], key=lambda x: x["code"])}
        for name in sorted(by_series, key=rank)
    ]


def specialties(data: SiteData) -> Iterator[Page]:
    pending = catalogue_pending(data)
    trainers: dict[str, list[tuple[Any, list[str]]]] = {}
    for b in data.bases:
        for s in b.specialties:
            trainers.setdefault(s["code"], []).append((b, s["levels"]))
    yield page(
        "specialties/index.md",
        "specialties.md.j2",
        series=[] if pending else _series(data),
        pending=pending,
        cycle_id=data.cycle_id,
        counts={c: len(v) for c, v in trainers.items()},
    )
    if pending:  # no page for a specialty the bureau has not published
        return
    for code, sp in sorted(data.specialty_index.items()):
        rows = trainers.get(code, [])
        yield page(
            f"specialties/{code}.md",
            "specialty.md.j2",
            sp=sp,
            trainers=rows[:SPECIALTY_PAGE_LIMIT],
            total=len(rows),
            limit=SPECIALTY_PAGE_LIMIT,
        )


def _objection_office(cycle: dict[str, Any]) -> str:
    contacts = cycle.get("contacts") or [{}]
    office = cycle.get("publicity", {}).get("objection_contact") or contacts[0].get(
        "office", "市人社局"
    )
    phones = [c for c in contacts if c.get("office") == office and c.get("phone")]
    return office + (f"（电话 {phones[0]['phone']}）" if phones else "")


def _basis(cycle: dict[str, Any]) -> list[str]:
    basis = [b if b.startswith("《") else f"《{b}》" for b in cycle.get("legal_basis", [])]
    return [re.sub(r"^《(《.*)》$", r"\1", b) for b in basis]


def notices(data: SiteData) -> Iterator[Page]:
    by_cycle: dict[str, list[Any]] = {}
    for n in data.notices:
        by_cycle.setdefault(n.cycle, []).append(n)
    yield page("notices/index.md", "notices.md.j2", by_cycle=sorted(by_cycle.items(), reverse=True))
    for n in data.notices:
        cyc = data.cycles.get(n.cycle, {})
        yield page(
            f"notices/{n.id}.md",
            "notice.md.j2",
            n=n,
            cycle=cyc,
            basis=_basis(cyc),
            objection_office=_objection_office(cyc),
        )


def stats(data: SiteData) -> Iterator[Page]:
    bases = data.bases
    tables = [
        (
            "按所在区（县）",
            "区（县）",
            Counter(b.profile.get("district", "") for b in bases),
            enum_order("district"),
        ),
        (
            "按单位性质",
            "单位性质",
            Counter(b.profile.get("category", "") for b in bases),
            enum_order("category"),
        ),
        (
            "按职称系列（一个基地可培训多个系列）",
            "职称系列",
            Counter(s for b in bases for s in b.series),
            (),
        ),
        ("按最近考核等次", "考核等次", Counter(b.grade or "尚未考核" for b in bases), GRADES),
    ]
    chart_list = []
    for title, dimension, counter, order in tables:
        rows = _ranked(counter, order)
        svg = Markup(charts.bar_chart(title, rows))
        chart_list.append({"title": title, "dimension": dimension, "rows": rows, "svg": svg})
    yield page("stats.md", "stats.md.j2", now=data.now, total=len(bases), charts=chart_list)


def field_reference(data: SiteData) -> Iterator[Page]:
    for kind in FIELD_KINDS:
        s = schema(kind)
        yield page(
            f"guide/fields/{kind}.md",
            "fields.md.j2",
            title=f"字段说明：{s.get('title', kind)}",
            file=FIELD_FILES[kind],
            description=s.get("description", ""),
            rows=list(field_rows(s)),
        )


def open_data(data: SiteData) -> Iterator[Page]:
    yield page("data/index.md", "data.md.j2", now=data.now, base_fields=opendata.BASE_FIELDS)


FAMILIES: tuple[Callable[[SiteData], Iterator[Page]], ...] = (
    home,
    directory,
    bases,
    specialties,
    notices,
    stats,
    field_reference,
    open_data,
)


def all_pages(data: SiteData) -> Iterator[Page]:
    for family in FAMILIES:
        yield from family(data)
