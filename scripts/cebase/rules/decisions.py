"""The bureau's decisions hold up: approved what was applied for, a 公示 on a working day,
a second reviewer for every outcome."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from ..findings import Finding
from ..registry import Record
from ..vocab import Kind, parse_day, sorted_levels
from ..workdays import WorkCalendar
from . import Context, at, rule

WEEKDAYS = "一二三四五六日"


def _applied(ctx: Context, rec: Record) -> dict[str, set[str]] | None:
    """Specialty code -> levels of the application this review decides (None when unreadable)."""
    sub = ctx.submission_of(rec)
    app = sub.get(Kind.APPLICATION) if sub is not None else None
    if app is None or not app.valid:
        return None
    out: dict[str, set[str]] = {}
    for item in app.data.get("specialties") or []:
        out.setdefault(item["code"], set()).update(item.get("levels") or [])
    return out


def _spec_name(ctx: Context, rec: Record, code: str) -> str:
    spec = (ctx.index(rec.data.get("cycle")).catalogue or {}).get(code) or {}
    return f"“{spec['name']}”（{code}）" if spec.get("name") else f"“{code}”"


@rule("approved-not-applied", Kind.REVIEW)
def check_approved_applied(rec: Record, ctx: Context) -> Iterator[Finding]:
    """Approved specialties and levels are among those the institution applied for."""
    if rec.data.get("subject") != Kind.APPLICATION:
        return
    applied = _applied(ctx, rec)
    if applied is None:
        return
    for i, item in enumerate(rec.data.get("approved_specialties") or []):
        code = item["code"]
        if code not in applied:
            yield at(
                rec,
                ("approved_specialties", i, "code"),
                "approved-not-applied",
                f"认定专业{_spec_name(ctx, rec, code)}不在本单位申报的专业中"
                "（application.yaml 的 specialties）。只能认定申报过的专业：请删除此项或核对专业代码。",
            )
            continue
        for j, level in enumerate(item.get("levels") or []):
            if level not in applied[code]:
                yield at(
                    rec,
                    ("approved_specialties", i, "levels", j),
                    "approved-not-applied",
                    f"专业{_spec_name(ctx, rec, code)}认定了“{level}”，但本单位只申报了"
                    f"{'、'.join(sorted_levels(applied[code]))}。只能认定申报过的级别：请删除“{level}”。",
                )


def _not_working(day: date, cal: WorkCalendar) -> str:
    if day.weekday() >= 5:
        return f"星期{WEEKDAYS[day.weekday()]}"
    return "法定节假日"


@rule("publicity-start-workday", Kind.REVIEW)
def check_publicity_start(rec: Record, ctx: Context) -> Iterator[Finding]:
    """A 公示 starts on a working day (State Council calendar, 调休 included)."""
    start = parse_day((rec.data.get("publicity") or {}).get("start"))
    if start is None:
        return
    cal = ctx.calendar()
    if cal.is_working_day(start):
        return
    nxt = cal.next_working_day(start)
    yield at(
        rec,
        ("publicity", "start"),
        "publicity-start-workday",
        f"公示开始日期 {start} 是{_not_working(start, cal)}，不是工作日。"
        f"公示应从工作日开始：请改为 {nxt} 或其他工作日。",
    )


def _reviewer(data: Mapping[str, Any]) -> str | None:
    reviewer = (data.get("preliminary") or {}).get("reviewer")
    return reviewer if isinstance(reviewer, str) else None


@rule("review-approvals", Kind.REVIEW)
def check_approvals(rec: Record, ctx: Context) -> Iterator[Finding]:
    """Every outcome is approved by a second reviewer, not the one who did the 初审."""
    data = rec.data
    approvals = data.get("approvals") or []
    reviewer = _reviewer(data)
    for i, login in enumerate(approvals):
        if login == reviewer:
            yield at(
                rec,
                ("approvals", i),
                "review-approvals",
                f"复核人“{login}”就是初审人（preliminary.reviewer）。评审结论须由另一名评审人员复核："
                "请改为第二名评审人员的账号。",
            )
    if data.get("outcome") and not approvals:
        who = f"（不能是初审人 {reviewer}）" if reviewer else ""
        yield at(
            rec,
            ("outcome",),
            "review-approvals",
            f"评审结论还没有复核人。请在文件末尾写 approvals: [复核人账号]，复核人须是第二名评审人员{who}。",
            key=True,
        )
