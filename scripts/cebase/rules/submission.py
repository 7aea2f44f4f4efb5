"""A submission in its cycle: the right cycle, one kind per cycle, on time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..findings import Finding
from ..registry import Record
from . import Context, at, per_run, rule

KIND_NAMES = {"application": "申报", "assessment": "年度自查"}


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


def latest_extensions(cycle: dict[str, Any]) -> dict[tuple[str, str], str]:
    """Each institution's latest extension per kind: {(uscc, kind): until}.

    Read without the schema's guarantees (the gate reads the base commit's
    cycle this way): entries of the wrong shape are skipped, as they can never
    match an institution.
    """
    latest: dict[tuple[str, str], str] = {}
    for e in cycle.get("extensions") or []:
        if not (isinstance(e, dict) and "until" in e):
            continue
        uscc, kind = e.get("uscc"), e.get("kind")
        if isinstance(uscc, str) and isinstance(kind, str):
            until = str(e["until"])
            if (uscc, kind) not in latest or until > latest[uscc, kind]:
                latest[uscc, kind] = until
    return latest


def deadline_of(
    cycle: dict[str, Any],
    uscc: str,
    kind: str,
    latest: dict[tuple[str, str], str] | None = None,
) -> tuple[str, str | None] | None:
    """(the cycle's deadline, this institution's latest extension or None) for a kind.

    Pure over a cycle's data, so the gate can ask it of the cycle on the base
    commit. ``latest`` is ``latest_extensions(cycle)`` when the caller asks
    about many institutions.
    """
    deadlines = cycle.get("deadlines")
    if not isinstance(deadlines, dict) or not isinstance(deadlines.get(kind), str):
        return None
    if latest is None:
        latest = latest_extensions(cycle)
    return deadlines[kind], latest.get((uscc, kind))


def _deadline(ctx: Context, rec: Record) -> tuple[str, str | None] | None:
    cycle = ctx.cycle(str(rec.data["cycle"]))
    if cycle is None:
        return None
    # One extension per late institution: index them once per run, not per record.
    latest = per_run(ctx, ("extensions", id(cycle)), cycle, lambda: latest_extensions(cycle))
    return deadline_of(cycle, rec.relpath.split("/")[1], rec.kind, latest)


@rule("deadline", "application", "assessment")
def check_deadline(rec: Record, ctx: Context) -> Iterator[Finding]:
    """The submission is dated on or before the cycle's deadline, or the bureau's extension."""
    got = _deadline(ctx, rec)
    if got is None:
        return
    deadline, extension = got
    dated = rec.data["date"]
    last = max(deadline, extension) if extension else deadline
    if dated > last:
        extra = f"（本单位获准延期至 {extension}）" if extension else ""
        yield at(
            rec,
            ("date",),
            "deadline",
            f"{KIND_NAMES[rec.kind]}日期 {dated} 晚于截止日期 {deadline}{extra}。"
            "逾期提交需市人社局专业技术人员管理科书面同意延期（记录在本年度 cycle.yaml 的 extensions 中）。",
        )
