"""Open data files: JSON, CSV (UTF-8 with BOM), iCalendar and Atom.

Every timestamp comes from the data or the build date, never the clock, so the
same registry and date give the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from .. import layout
from .collect import Base, Notice, SiteData

SCHEMA_VERSION = "1.0"
URUMQI_TZ = timezone(timedelta(hours=8), "CST")

# (key, description): the CSV columns, also documented on the open-data page
BASE_FIELDS = (
    ("uscc", "统一社会信用代码"),
    ("name", "单位名称"),
    ("category", "单位性质"),
    ("supervisor", "主管部门"),
    ("district", "所在区（县）"),
    ("zone", "所在园区（可为空）"),
    ("address", "通讯地址"),
    ("office_phone", "办公电话"),
    ("email", "电子邮箱"),
    ("website", "单位网站（可为空）"),
    ("status", "公开状态：已认定、公示中、限期整改"),
    ("grade", "最近一次年度考核等次（可为空）"),
    ("certified_on", "认定日期（可为空）"),
    ("valid_until", "认定有效期至（可为空）"),
    ("series", "培训专业所属职称系列，多个以“;”分隔"),
    ("specialties", "培训专业及级别：JSON 中为列表；CSV 中写作“代码:级别/级别”，多个以“;”分隔"),
)


def _dump(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def recipients_json(data: SiteData) -> bytes:
    """The public keys the forms seal personal fields to (none: the registry is plain)."""
    return _dump({"recipients": list(data.recipients)})


def attachments_json() -> bytes:
    """What the scan-sealing page checks before it seals a file, as the registry checks it."""
    return _dump(
        {
            "max_bytes": layout.ATTACHMENT_MAX_BYTES,
            "sealed_suffix": layout.SEALED_SUFFIX,
            "types": {
                ext: {"name": layout.TYPE_NAMES[ext], "magic": [m.hex() for m in magic]}
                for ext, magic in layout.MAGIC.items()
            },
        }
    )


def base_record(b: Base) -> dict[str, Any]:
    p = b.profile
    c = p.get("contact", {})
    return {
        "uscc": b.uscc,
        "name": p.get("name", ""),
        "category": p.get("category", ""),
        "supervisor": p.get("supervisor", ""),
        "district": p.get("district", ""),
        "zone": p.get("zone", ""),
        "address": p.get("address", ""),
        "office_phone": c.get("office_phone", ""),
        "email": c.get("email", ""),
        "website": c.get("website", ""),
        "status": b.label,
        "grade": b.grade or "",
        "certified_on": b.certified_on or "",
        "valid_until": b.valid_until or "",
        "series": b.series,
        "specialties": [
            {"code": s["code"], "name": s["name"], "levels": s["levels"]} for s in b.specialties
        ],
    }


def _dataset(data: SiteData, key: str, items: list[Any]) -> bytes:
    """An open-data file: the schema version, the data date and the list."""
    return _dump({"schema_version": SCHEMA_VERSION, "generated_at": data.now, key: items})


def bases_json(data: SiteData) -> bytes:
    return _dataset(data, "bases", [base_record(b) for b in data.bases])


def bases_csv(data: SiteData) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([re.split("[：（，]", desc, maxsplit=1)[0] for _, desc in BASE_FIELDS])
    for b in data.bases:
        rec = base_record(b)
        rec["series"] = ";".join(rec["series"])
        rec["specialties"] = ";".join(
            f"{s['code']}:{'/'.join(s['levels'])}" for s in rec["specialties"]
        )
        w.writerow([_csv_cell(rec[k]) for k, _ in BASE_FIELDS])
    return "\ufeff".encode() + buf.getvalue().encode("utf-8")


def _csv_cell(value: Any) -> str:
    # a cell starting with = + - @ (or tab/CR, per OWASP) is a formula in Excel: make it text
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def specialties_json(data: SiteData) -> bytes:
    trainers: dict[str, list[dict[str, Any]]] = {}
    for b in data.bases:
        for s in b.specialties:
            trainers.setdefault(s["code"], []).append({"uscc": b.uscc, "levels": s["levels"]})
    specs = []
    for s in data.catalogue.get("specialties", []):
        specs.append({**s, "bases": trainers.get(s["code"], [])})
    return _dump(
        {
            "schema_version": SCHEMA_VERSION,
            "generated_at": data.now,
            "cycle": data.cycle_id,
            "series": data.catalogue.get("series", []),
            "specialties": sorted(specs, key=lambda x: x["code"]),
        }
    )


def notice_record(n: Notice) -> dict[str, Any]:
    return {
        "id": n.id,
        "cycle": n.cycle,
        "kind": n.kind,
        "title": n.title,
        "date": n.date,
        "publicity": n.publicity,  # the batch's 公示 window (拟认定 only)
        "entries": [
            {
                "uscc": e.uscc,
                "name": e.name,
                "district": e.district,
                "category": e.category,
                "detail": e.detail,
                "reason": e.reason,
            }
            for e in n.entries
        ],
        "groups": {g: [e.uscc for e in es] for g, es in n.groups.items()},
    }


def notices_json(data: SiteData) -> bytes:
    return _dataset(data, "notices", [notice_record(n) for n in data.notices])


def _stamp(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(9, 0), URUMQI_TZ)


def deadlines_ics(data: SiteData) -> bytes:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//乌鲁木齐市人力资源和社会保障局//继续教育基地名录//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "继续教育基地申报和考核日程")
    issued = max((c.get("issued", "") for c in data.cycles.values()), default="") or data.now
    stamp = _stamp(issued).astimezone(UTC)
    for d in data.deadlines:
        ev = Event()
        # the same deadline keeps its uid on every build, whatever else is listed
        key = hashlib.sha256(f"{d['date']}\n{d['what']}".encode()).hexdigest()[:16]
        ev.add("uid", f"{d['date']}-{key}-{d['cycle']}@cebase")
        ev.add("dtstamp", stamp)
        ev.add("summary", d["what"])
        ev.add("dtstart", date.fromisoformat(d["date"]))
        ev.add("dtend", date.fromisoformat(d["date"]) + timedelta(days=1))
        cal.add_component(ev)
    return cal.to_ical()


def atom_feed(data: SiteData, site_url: str) -> bytes:
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    base = site_url.rstrip("/") + "/"
    fg.id(base + "notices/")
    fg.title("乌鲁木齐市市级专业技术人员继续教育基地公示公告")
    fg.author({"name": data.cycle.get("issuer", "乌鲁木齐市人力资源和社会保障局")})
    fg.link(href=base + "notices/index.html", rel="alternate")
    fg.language("zh-CN")
    fg.generator("cebase")
    newest = max((n.date for n in data.notices if n.date), default=data.now)
    fg.updated(_stamp(newest))
    for n in sorted(data.notices, key=lambda n: (n.date, n.id)):
        fe = fg.add_entry(order="prepend")
        fe.id(base + f"notices/{n.id}.html")
        fe.title(n.title)
        fe.link(href=base + f"notices/{n.id}.html")
        fe.updated(_stamp(n.date or data.now))
        fe.published(_stamp(n.date or data.now))
        names = "、".join(e.name for e in n.entries[:20])
        more = (
            f"等 {len(n.entries)} 家单位" if len(n.entries) > 20 else f"共 {len(n.entries)} 家单位"
        )
        fe.summary(f"{names}（{more}）")
    return fg.atom_str(pretty=True)
