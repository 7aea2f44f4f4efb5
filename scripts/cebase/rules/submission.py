"""A submission in its cycle: the right cycle, one kind per cycle, on time."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..registry import Record
from ..vocab import due, kind_name, parse_day
from . import Context, at, rule


@rule("cycle-mismatch", "application", "assessment", "review", emits=("cycle-unknown",))
def check_cycle(rec: Record, ctx: Context) -> Iterator[Finding]:
    """The record's cycle equals its folder's and exists under cycles/."""
    folder = rec.relpath.split("/")[2]
    cycle = str(rec.data["cycle"])
    if cycle != folder:
        yield at(
            rec,
            ("cycle",),
            "cycle-mismatch",
            f"cycle 字段为“{cycle}”，但文件位于 {folder}/ 文件夹。请把 cycle 改为“{folder}”或把文件移到正确的年度文件夹。",
        )
    elif folder not in ctx.registry.cycles:
        yield at(
            rec,
            ("cycle",),
            "cycle-unknown",
            f"没有“{folder}”年度的通知（cycles/{folder}/）。请确认年度是否填写正确。",
        )


@rule("one-submission-per-cycle", "application")
def check_one_kind(rec: Record, ctx: Context) -> Iterator[Finding]:
    """An institution files either an application or a self-inspection in a cycle, not both."""
    sub = ctx.submission_of(rec)
    if sub is not None and "assessment" in sub.records:
        yield at(
            rec,
            (),
            "one-submission-per-cycle",
            "同一年度不能同时提交申报（application.yaml）和年度自查（assessment.yaml）。"
            "已认定的基地只需提交年度自查；新单位只需提交申报。请删除其中一个文件。",
        )


@rule("deadline", "application", "assessment")
def check_deadline(rec: Record, ctx: Context) -> Iterator[Finding]:
    """The submission is dated on or before the cycle's deadline, or the bureau's extension."""
    index = ctx.index(rec.data["cycle"])
    dated = parse_day(rec.data["date"])
    if index.cycle is None or dated is None:
        return  # no cycle, or a date the schema reports as mistyped
    uscc = rec.relpath.split("/")[1]
    got = due(index.cycle, uscc, rec.kind, index.extensions)
    if got is None or dated <= got.last_day:
        return
    extra = f"（本单位获准延期至 {got.extension}）" if got.extension else ""
    yield at(
        rec,
        ("date",),
        "deadline",
        f"{kind_name(rec.kind)}日期 {dated} 晚于截止日期 {got.deadline}{extra}。"
        "逾期提交需市人社局专业技术人员管理科书面同意延期（记录在本年度 cycle.yaml 的 extensions 中）。",
    )
