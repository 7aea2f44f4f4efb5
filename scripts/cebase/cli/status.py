"""``cebase status [--cycle YEAR]``: the reviewers' queue on a date, what needs action first."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import EXIT_OK, UsageError, common, today

FORMATS = ("text", "json", "markdown")


def parents() -> list[argparse.ArgumentParser]:
    return [common(list(FORMATS))]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cycle", default=None, help="只列出该年度（如 2026）的单位")
    p.add_argument(
        "--record",
        type=Path,
        default=None,
        metavar="FILE",
        help="跟踪议题的正文（cebase remind 的提醒记录），显示各单位是否已提醒及日期",
    )


def _score(s: Any) -> str:
    parts = [str(s.score) if s.score is not None else "", s.grade or ""]
    return " / ".join(p for p in parts if p) or "—"


def _deadlines(s: Any) -> str:
    return (
        "；".join(f"{d.what} {d.date}{'（已逾期）' if d.overdue else ''}" for d in s.deadlines)
        or "—"
    )


def _waited(s: Any) -> str:
    """How long the item has waited in its stage, in working days."""
    if s.waited is None or s.since is None:
        return "—"
    return f"{s.waited} 个工作日（自 {s.since}）"


def _header(now: date, rows: Sequence[Any], cycle: str | None) -> str:
    scope = f"{cycle} 年度" if cycle else "全部"
    return f"继续教育基地评审队列（{now.isoformat()}，{scope}，共 {len(rows)} 个单位；按待办紧急程度排序）"


Reminded = Mapping[str, list[str]] | None  # uscc -> days its maintainers were mentioned


def _reminded(days: list[str]) -> str:
    return f"已提醒维护账号（{'、'.join(days)}）" if days else "尚未提醒"


def text(
    rows: Sequence[Any],
    now: date,
    cycle: str | None,
    warnings: Sequence[str],
    reminded: Reminded = None,
) -> str:
    out = [_header(now, rows, cycle), ""]
    for n, s in enumerate(rows, 1):
        out.append(
            f"{n:>2}. [{s.status}] {s.uscc} {s.name or '（未填写单位名称）'}  {s.stage}"
            f"{' ' + s.cycle if s.cycle else ''}"
        )
        out.append(f"    原因：{s.reason}")
        if s.score is not None or s.grade:
            out.append(f"    得分/等次：{_score(s)}")
        if s.missing:
            out.append(f"    待办：{'、'.join(s.missing)}")
        if s.waited is not None:
            out.append(f"    已等待：{_waited(s)}")
        if s.deadlines:
            out.append(f"    期限：{_deadlines(s)}")
        out.append(f"    依据：{s.decided_by} [{s.rule}]")
        if reminded is not None:
            out.append(f"    提醒：{_reminded(reminded.get(s.uscc, []))}")
    out += [f"警告：{w}" for w in warnings]
    return "\n".join(out) + "\n"


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def as_json(
    rows: Sequence[Any],
    now: date,
    cycle: str | None,
    warnings: Sequence[str],
    reminded: Reminded = None,
) -> str:
    bases = [_plain(dataclasses.asdict(s)) for s in rows]
    if reminded is not None:
        for base in bases:
            base["reminded"] = reminded.get(base["uscc"], [])
    body = {
        "date": now.isoformat(),
        "cycle": cycle,
        "count": len(rows),
        "warnings": list(warnings),
        "bases": bases,
    }
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def markdown(
    rows: Sequence[Any],
    now: date,
    cycle: str | None,
    warnings: Sequence[str],
    reminded: Reminded = None,
) -> str:
    from .. import escape

    extra = ("", "") if reminded is None else (" 提醒 |", "---|")
    out = [
        f"**{_header(now, rows, cycle)}**",
        "",
        "| 序号 | 单位 | 阶段 | 状态 | 得分/等次 | 待办 | 已等待 | 期限 | 依据（记录 · 规则） |"
        + extra[0],
        "|---|---|---|---|---|---|---|---|---|" + extra[1],
    ]
    for n, s in enumerate(rows, 1):
        who = escape.md_inline(f"{s.name or ''}（{s.uscc}）")
        missing = escape.md_inline("、".join(s.missing)) or "—"
        out.append(
            f"| {n} | {who} | {s.stage} | {s.status}：{escape.md_inline(s.reason)} | {_score(s)} "
            f"| {missing} | {_waited(s)} | {escape.md_inline(_deadlines(s))} | `{s.decided_by.replace('`', '')}` · `{s.rule}` |"
            + ("" if reminded is None else f" {_reminded(reminded.get(s.uscc, []))} |")
        )
    if warnings:
        out.append("")
        out += [f"> 警告：{escape.md_inline(w)}" for w in warnings]
    return "\n".join(out) + "\n"


Renderer = Callable[..., str]
RENDERERS: dict[str, Renderer] = {"text": text, "json": as_json, "markdown": markdown}


def _read_reminded(path: Path | None) -> Reminded:
    from ..tracking import RecordError, read_tracking

    if path is None:
        return None
    try:
        tracking = read_tracking(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, RecordError) as exc:
        raise UsageError(f"无法读取提醒记录 {path}：{exc}") from None
    return {uscc: tracking.reminded(uscc) for uscc in tracking.mentioned}


def run(args: argparse.Namespace) -> int:
    from ..registry import scan
    from ..status import evaluate, queue

    cycle = args.cycle
    if cycle is not None and not (len(cycle) == 4 and cycle.isdigit()):
        raise UsageError(f"年度“{cycle}”应为四位数字，如 2026。")
    now = today(args)
    statuses = evaluate(scan(args.root), now)
    rows = [s for s in queue(statuses) if cycle is None or s.cycle == cycle]
    warnings = list(dict.fromkeys(w for s in statuses.values() for w in s.warnings))
    reminded = _read_reminded(args.record)
    sys.stdout.write(RENDERERS[args.format](rows, now, cycle, warnings, reminded))
    return EXIT_OK
