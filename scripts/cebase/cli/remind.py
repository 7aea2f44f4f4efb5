"""``cebase remind``: who still owes what in a cycle, by when, and whom to mention today.

``--format markdown`` prints the tracking issue's body (with its hidden record);
``--format json`` adds the day's mention comments, the whole list for the job
summary and the record as data, for the scheduled workflow. ``--record FILE`` is the previous body of the issue.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import EXIT_OK, UsageError, common, today

if TYPE_CHECKING:
    from ..registry import Registry
    from ..remind import Owed, Reminders, Task, Tracking

FORMATS = ("text", "markdown", "json")


def parents() -> list[argparse.ArgumentParser]:
    return [common(list(FORMATS))]


def _days(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"“{text}”应为不小于 0 的整数（工作日数），例如 10")
    return n


def add_arguments(p: argparse.ArgumentParser) -> None:
    from ..remind import DEFAULT_WAITING_DAYS

    p.add_argument("--cycle", default=None, help="年度（如 2026），默认为当日已发布的最新年度")
    p.add_argument(
        "--record",
        type=Path,
        default=None,
        metavar="FILE",
        help="跟踪议题当前的正文（含提醒记录），据此不重复提醒",
    )
    p.add_argument(
        "--waiting-days",
        type=_days,
        default=DEFAULT_WAITING_DAYS,
        metavar="N",
        help=f"市人社局待处理超过 N 个工作日的事项列入提醒（默认 {DEFAULT_WAITING_DAYS}）",
    )


# ---------------------------------------------------------------- words


def _who(name: str, uscc: str) -> str:
    return f"{name or '（未填写单位名称）'}（{uscc}）"


def _deadline(o: Owed) -> str:
    return f"{o.deadline.isoformat()}{'（已获延期）' if o.extended else ''}"


def _left(o: Owed) -> str:
    return "今天截止" if o.days_left == 0 else str(o.days_left)


def _task_days(t: Task, now: date) -> str:
    if t.kind == "waiting":
        return f"已等待 {t.days} 个工作日"
    if t.passed(now):
        return f"已过 {-t.days} 个工作日" if t.days else "已过期"
    return "今天" if t.days == 0 else f"还剩 {t.days} 个工作日"


def _task_day(t: Task) -> str:
    return f"自 {t.day.isoformat()} 起" if t.kind == "waiting" else t.day.isoformat()


def _sentence(o: Owed) -> str:
    """One reminder, in the words a maintainer reads in the notification."""
    who = _who(o.name, o.uscc)
    when = "今天是最后一天" if o.days_left == 0 else f"还剩 {o.days_left} 个工作日"
    tail = "逾期视为自动放弃考核评估。" if o.kind == "self-inspection" else ""
    ext = "（已获延期）" if o.extended else ""
    return f"{who}须在 {o.deadline.isoformat()} 前{o.what}{ext}，{when}。{tail}"


def _contacts(reg: Registry, cycle: str) -> str:
    data = reg.cycle_data(cycle, "cycle") or {}
    items = [
        f"{c.get('office', '')} {c.get('phone', '')}".strip()
        for c in data.get("contacts") or []
        if isinstance(c, dict)
    ]
    return "；".join(i for i in items if i)


# ---------------------------------------------------------------- renderers


def text(r: Reminders, reg: Registry) -> str:
    out = [
        f"{r.cycle} 年度待办提醒（{r.now.isoformat()}）：单位待办 {len(r.owed)} 项，市人社局待办 {len(r.tasks)} 项",
        "",
    ]
    for n, o in enumerate(r.owed, 1):
        out.append(f"{n:>2}. [{o.status}] {_who(o.name, o.uscc)}：{o.what}")
        out.append(f"    截止：{_deadline(o)}，剩余工作日：{_left(o)}")
        out.append(f"    维护账号：{'、'.join(o.maintainers) or '（未登记）'}")
    if r.tasks:
        out += ["", "市人社局："]
    for t in r.tasks:
        out.append(
            f" - {_task_word(t)} {_task_day(t)}（{_task_days(t, r.now)}）：{_who(t.name, t.uscc)} [{t.status}]"
        )
    out += ["", f"今天应提醒 {len(r.mentions)} 个单位："]
    out += [f" - {' '.join('@' + x for x in m.logins)}：{_sentence(m.item)}" for m in r.mentions]
    out += [f"警告：{w}" for w in r.warnings]
    return "\n".join(out) + "\n"


def _task_word(t: Task) -> str:
    from ..remind import TASKS

    return TASKS[t.kind]


# GitHub refuses an issue body or comment over 65,536 characters; keep a margin.
LIMIT = 60_000
OWED_HEAD = [
    "| 截止日期 | 剩余工作日 | 单位 | 待办 | 维护账号 | 已提醒 |",
    "|---|---|---|---|---|---|",
]
TASK_HEAD = ["| 事项 | 日期 | 工作日 | 单位 | 状态 | 依据 |", "|---|---|---|---|---|---|"]


def _owed_rows(r: Reminders) -> list[str]:
    from .. import escape

    out = []
    for o in r.owed:
        logins = "、".join(f"`{x}`" for x in o.maintainers) or "（未登记）"
        days = "、".join(r.tracking.reminded(o.uscc)) or "—"
        out.append(
            f"| {_deadline(o)} | {_left(o)} | {escape.md_inline(_who(o.name, o.uscc))} "
            f"| {o.what}（{o.status}） | {logins} | {days} |"
        )
    return out


def _task_rows(r: Reminders) -> list[str]:
    from .. import escape

    return [
        f"| {_task_word(t)} | {_task_day(t)} | {_task_days(t, r.now)} "
        f"| {escape.md_inline(_who(t.name, t.uscc))} | {t.status} | {escape.md_inline(t.source)} |"
        for t in r.tasks
    ]


def _table(head: list[str], rows: list[str], empty: str) -> list[str]:
    return [*head, *rows] if rows else [empty]


def _body(r: Reminders, reg: Registry, owed: list[str], tasks: list[str], cut: int) -> str:
    from .. import escape
    from ..tracking import write_tracking

    out = [
        f"### {r.cycle} 年度继续教育基地待办提醒（截至 {r.now.isoformat()}）",
        "",
        "本议题每天北京时间上午按登记册自动更新。逾期未提交年度自查材料的基地，视为自动放弃考核评估，"
        "市人社局将取消其基地资格。各单位的维护账号在出现待办（如年度通知发布）时、"
        "截止前 3 个和 1 个工作日各收到一次提醒，同一提醒不会重复。",
        "",
        f"#### 各单位待办（{len(r.owed)} 项）",
        "",
        *_table(
            OWED_HEAD, owed, "（未列出，见下方说明。）" if r.owed else "目前没有单位待办事项。"
        ),
        "",
        f"#### 市人社局待办（{len(r.tasks)} 项；等待处理超过 {r.waiting_days} 个工作日的才列出）",
        "",
        *_table(TASK_HEAD, tasks, "（未列出，见下方说明。）" if r.tasks else "目前没有。"),
        "",
    ]
    if cut:
        out += [
            f"> 议题正文长度有限，以上两表按紧急程度只列出前面的事项，另有 {cut} 项未列出；"
            "完整名单见本次工作流运行的摘要（job summary），或运行 `cebase remind`。",
            "",
        ]
    if not r.count:
        out += ["目前没有待办事项，本议题将自动关闭；出现新的待办时会重新打开。", ""]
    if contacts := _contacts(reg, r.cycle):
        out += [f"咨询电话：{escape.md_inline(contacts)}", ""]
    out += [f"> 警告：{escape.md_inline(w)}" for w in r.warnings]
    out += ["", write_tracking(r.tracking)]
    return "\n".join(out) + "\n"


def body(r: Reminders, reg: Registry, limit: int | None = LIMIT) -> str:
    """The tracking issue's body: the lists, then the hidden record (always whole).

    Over ``limit`` characters the tables lose their least urgent rows, the
    longer table first; ``limit=None`` gives the whole list (the job summary).
    """
    owed, tasks = _owed_rows(r), _task_rows(r)
    text = _body(r, reg, owed, tasks, 0)
    if limit is None or len(text) <= limit:
        return text
    over, cut = len(text) - limit + 200, 0  # 200: room for the note on what was left out
    while over > 0 and (owed or tasks):
        rows = owed if len(owed) >= len(tasks) else tasks
        over -= len(rows.pop()) + 1
        cut += 1
    return _body(r, reg, owed, tasks, cut)


def comments(r: Reminders, limit: int = LIMIT) -> list[str]:
    """Today's mention comments (none when no one is due a mention), each under ``limit``."""
    from .. import escape

    head = f"**{r.cycle} 年度待办提醒（{r.now.isoformat()}）**\n\n"
    tail = "\n提交后，本议题正文中的待办清单会在下次更新时自动核销。\n"
    out: list[str] = []
    lines: list[str] = []
    for m in r.mentions:
        logins = " ".join(f"@{x}" for x in m.logins)
        line = f"- {logins}：{escape.md_inline(_sentence(m.item))}\n"
        if lines and len(head) + sum(map(len, lines)) + len(line) + len(tail) > limit:
            out.append(head + "".join(lines) + tail)
            lines = []
        lines.append(line)
    if lines:
        out.append(head + "".join(lines) + tail)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def as_json(r: Reminders, reg: Registry) -> str:
    data = {
        "date": r.now.isoformat(),
        "cycle": r.cycle,
        "count": r.count,
        "waiting_days": r.waiting_days,
        "owed": [_plain(dataclasses.asdict(o)) for o in r.owed],
        "tasks": [_plain(dataclasses.asdict(t)) for t in r.tasks],
        "mentions": [
            {"uscc": m.uscc, "logins": list(m.logins), "marks": list(m.marks)} for m in r.mentions
        ],
        "record": _plain(dataclasses.asdict(r.tracking)),
        "warnings": r.warnings,
        "body": body(r, reg),
        "summary": body(r, reg, None),
        "comments": comments(r),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


RENDERERS: dict[str, Callable[[Reminders, Registry], str]] = {
    "text": text,
    "markdown": body,
    "json": as_json,
}


def _previous(path: Path | None, cycle: str) -> Tracking:
    from ..tracking import RecordError, Tracking, read_tracking

    if path is None:
        return Tracking(cycle)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(
            f"无法读取提醒记录 {path}（{type(exc).__name__}）。请检查 --record 的路径。"
        ) from None
    try:
        return read_tracking(raw, cycle)
    except RecordError as exc:
        raise UsageError(f"{path}：{exc}") from None


def run(args: argparse.Namespace) -> int:
    from ..registry import scan
    from ..remind import current_cycle, remind
    from ..status import evaluate

    now = today(args)
    reg = scan(args.root)
    cycle = args.cycle or current_cycle(reg, now)
    if cycle is None:
        raise UsageError(f"{now} 之前没有已发布的年度通知（cycles/<年度>/cycle.yaml），无须提醒。")
    if cycle not in reg.cycles or reg.cycle_data(cycle, "cycle") is None:
        raise UsageError(
            f"没有可用的 cycles/{cycle}/cycle.yaml（缺失或未通过校验），请先运行 cebase validate。"
        )
    previous = _previous(args.record, cycle)
    result = remind(
        evaluate(reg, now), reg, now, cycle=cycle, previous=previous, waiting_days=args.waiting_days
    )
    sys.stdout.write(RENDERERS[args.format](result, reg))
    return EXIT_OK
