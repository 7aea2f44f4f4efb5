"""Opening next year's cycle: ``cebase new cycle 2027 --from 2026 --now DATE``.

The new ``cycle.yaml`` carries over what stays from year to year (the issuer,
the legal basis, the contacts, the rules for 公示, validity, scoring, grades
and rectification, the site's footer), lists as incumbents every base the
status engine calls certified on the date, and leaves the dates of the new
notice blank with Chinese comments, so it fails validation until the bureau
fills them in. The other cycle files (rubric, specialties, checklists) are
copied with a note to check them against the new notice. Nothing here
decides a status: the incumbents are read from ``status.evaluate``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml

from .model import CERTIFIED_STATUSES, BaseStatus
from .registry import Registry
from .status import evaluate
from .vocab import PENDING_CONFIRMATION
from .workdays import WorkCalendar, declared_days

# cycle.yaml keys carried over unchanged, in the order they are written.
CARRIED = (
    "publicity",
    "certification",
    "scoring",
    "grades",
    "application_pass",
    "rectification",
    "contacts",
    "site",
)
# Cycle files copied as they are, with a note on top.
COPIED = ("rubric.yaml", "specialties.yaml", "checklists.yaml")


class CycleError(Exception):
    """The new cycle cannot be opened (Chinese message for the user)."""


@dataclass(frozen=True)
class NewCycle:
    """The files of the new cycle (registry-relative path -> text) and the incumbents chosen."""

    files: dict[str, str]
    incumbents: list[BaseStatus]


def certified_bases(statuses: Mapping[str, BaseStatus]) -> list[BaseStatus]:
    """The bases the status engine calls certified (published in the directory), by USCC."""
    return [s for _, s in sorted(statuses.items()) if s.status in CERTIFIED_STATUSES]


def _scalar(value: Any) -> str:
    """A value as a YAML flow scalar (JSON strings are YAML double-quoted strings)."""
    return json.dumps(value, ensure_ascii=False)


def _block(data: Mapping[str, Any]) -> str:
    """Carried-over sections as block YAML, keys in the order given."""
    return yaml.safe_dump(
        dict(data), allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000
    )


def _incumbent(s: BaseStatus, previous: Mapping[str, Any] | None, now: date) -> list[str]:
    out = [
        f"  # {s.name or '（单位名称见 institution.yaml）'}：{now} 状态“{s.status}”，依据 {s.decided_by}",
        f"  - uscc: {_scalar(s.uscc)}",
        f"    certified_on: {s.certified_on}",
    ]
    document = (previous or {}).get("document")
    if document:
        out.append(f"    document: {_scalar(document)}")
    else:
        out.append("    # document: 认定文件名称或文号（选填），例如 乌人社函〔2026〕号")
    if s.specialties:
        out.append("    specialties:")
        for code, levels in s.specialties.items():
            shown = ", ".join(_scalar(lv) for lv in levels)
            out.append(f"      - code: {_scalar(code)}")
            out.append(f"        levels: [{shown}]")
    return out


def _incumbents(bases: list[BaseStatus], previous: Iterable[Mapping[str, Any]], now: date) -> str:
    before = {i.get("uscc"): i for i in previous}
    lines = [
        f"# 既有基地：{now} 按登记册记录认定有效、须参加本年度考核的基地（由状态引擎得出，共 {len(bases)} 个）。",
        "# 新通知另有名单的，以通知为准增删；不要手工改动认定日期和专业，它们来自评审记录。",
    ]
    if not bases:
        return "\n".join([*lines, "incumbents: []"])
    lines.append("incumbents:")
    for s in bases:
        lines += _incumbent(s, before.get(s.uscc), now)
    return "\n".join(lines)


def _holiday_note(new_id: str, known: Mapping[date, bool]) -> str:
    """A commented example of ``holidays`` for the years the round may reach and nobody knows."""
    cal = WorkCalendar(known)
    years = [int(new_id) - 1, int(new_id)]
    for year in years:
        cal.is_working_day(date(year, 6, 1))
    if not cal.uncovered_years:
        return ""
    lines = []
    for year in sorted(cal.uncovered_years):
        lines += [
            f"# chinesecalendar 尚未收录 {year} 年的国务院节假日和调休安排，本年度的公示期、整改期限",
            f"# 可能跨入 {year} 年。国务院办公厅公布后，照通知填写（删除行首的 # 并按通知改日期）：",
            "# holidays:",
            f"#   - year: {year}",
            f"#     source: 国务院办公厅关于{year}年部分节假日安排的通知（国办发明电〔{year - 1}〕号）",
            "#     days_off:",
            "#       - name: 元旦",
            f"#         start: {year}-01-01",
            f"#         end: {year}-01-01",
            "#     workdays: []   # 调休上班的周六、周日",
        ]
    return "\n".join(lines)


def _header(new_id: str, from_id: str, now: date, pending: bool) -> str:
    lines = [
        "# yaml-language-server: $schema=../../schemas/cycle.schema.json",
        f"# 周期 {new_id}：由 cebase new cycle {new_id} --from {from_id} --now {now} 生成。",
        f"# 联系方式和公示、有效期、计分、分数线、整改等规定沿用 {from_id} 年度，请对照新通知逐项核对；",
        "# 标题、印发日期和截止日期留空，按新通知填写后运行 cebase validate，直到没有错误。",
    ]
    if pending:
        lines.append(
            f"# {from_id} 年度标有“{PENDING_CONFIRMATION}”，本文件沿用该标记；确认并补全后删除 status 这一行。"
        )
    return "\n".join(lines)


def _notice(new_id: str, from_id: str, prev: Mapping[str, Any], pending: bool) -> str:
    """The fields of the new notice: blank dates and title, carried issuer and basis."""
    basis = "\n".join(f"  - {_scalar(b)}" for b in prev.get("legal_basis", []))
    mark = f"\nstatus: {PENDING_CONFIRMATION}" if pending else ""
    return f"""id: "{new_id}"{mark}
# 新通知的全称，例如 关于开展{int(new_id) - 1}年度……申报工作有关事宜的通知
title:
# 新通知的落款日期，例如 {int(new_id) - 1}-11-03
issued:
issuer: {_scalar(prev.get("issuer", ""))}
# 依据：沿用 {from_id} 年度，新通知所列文件不同的请改正
legal_basis:
{basis}
# 考核年度：按惯例为上一年，请与新通知核对
assessed_year: {int(new_id) - 1}

# 截止日期：新通知规定的申报材料和年度自查材料截止日期（含当日），例如 {int(new_id) - 1}-11-07
deadlines:
  application:
  assessment:"""


def render_cycle(
    new_id: str,
    from_id: str,
    prev: Mapping[str, Any],
    bases: list[BaseStatus],
    now: date,
    known: Mapping[date, bool],
) -> str:
    """The text of the new cycle.yaml."""
    pending = prev.get("status") == PENDING_CONFIRMATION
    parts = [_header(new_id, from_id, now, pending), _notice(new_id, from_id, prev, pending)]
    carried = {k: prev[k] for k in CARRIED if k in prev}
    parts.append(
        f"# 以下沿用 {from_id} 年度的规定和联系方式，请对照新通知核对。\n"
        + _block(carried).rstrip()
    )
    parts.append(_incumbents(bases, prev.get("incumbents", []), now))
    if note := _holiday_note(new_id, known):
        parts.append(note)
    return "\n\n".join(parts) + "\n"


def open_cycle(reg: Registry, new_id: str, from_id: str, now: date) -> NewCycle:
    """The files of cycle ``new_id``, carried over from ``from_id``, incumbents as of ``now``."""
    source = reg.cycles.get(from_id)
    prev = reg.cycle_data(from_id, "cycle")
    if source is None or prev is None:
        raise CycleError(
            f"cycles/{from_id}/cycle.yaml 不存在或未通过校验。请先运行 cebase validate 改正，"
            "或用 --from 指定另一个年度。"
        )
    bases = certified_bases(evaluate(reg, now))
    known = declared_days(reg.cycle_data(c, "cycle") for c in sorted(reg.cycles))
    files = {f"cycles/{new_id}/cycle.yaml": render_cycle(new_id, from_id, prev, bases, now, known)}
    for name in COPIED:
        rec = source.records.get(name.removesuffix(".yaml"))
        if rec is None:
            continue
        text = rec.file.read_text("utf-8")
        note = f"# 沿用 {from_id} 年度的 {name}（cebase new cycle 复制），请对照 {new_id} 年度通知及其附件核对。\n"
        first, _, rest = text.partition("\n")
        files[f"cycles/{new_id}/{name}"] = (
            f"{first}\n{note}{rest}" if first.startswith("# yaml-language-server") else note + text
        )
    return NewCycle(files, bases)
