"""The public notices, made from the status engine's output only.

- a 拟认定名单公示 per 公示 batch: the bases whose 公示 starts the same day, dated
  on its first day, with its own period; shown once that day has come;
- a 考核结果公告 per cycle and decision date (优秀, 合格, 限期整改, 取消资格);
- a 取消资格公告 per cycle and decision date, each entry with the reason the
  notice states (逾期未报, 考核不合格, 一票否决, 复查仍不合格).

A notice is built from the dated decisions in the bases' histories, which hold
nothing after ``now``; its id and content depend only on its own batch, so a
later build gives the same notice.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from ..model import BaseStatus, HistoryEntry, Publicity
from ..vocab import ASSESSMENT_DECISIONS, Decision, Kind


class NoticeKind(enum.StrEnum):
    PROPOSED = "proposed"  # 拟认定名单公示
    RESULTS = "results"  # 考核结果公告
    REVOKED = "revoked"  # 取消资格公告


@dataclass(frozen=True)
class NoticeItem:
    uscc: str
    decision: str  # the decision word as the bureau wrote it
    reason: str = ""  # a revocation's public reason
    deadline: str | None = None  # a 限期整改's rectification deadline


@dataclass(frozen=True)
class Batch:
    id: str  # "<cycle>-<YYYYMMDD>-<kind>", stable for the batch
    cycle: str
    kind: NoticeKind
    date: str  # the notice's date: the 公示's first day, or the decision date
    items: tuple[NoticeItem, ...]
    publicity: Publicity | None = None

    def groups(self) -> dict[str, list[NoticeItem]]:
        """Items by decision, in the order of the decisions (results)."""
        out: dict[str, list[NoticeItem]] = {d: [] for d in ASSESSMENT_DECISIONS}
        for item in self.items:
            out.setdefault(item.decision, []).append(item)
        return {k: v for k, v in out.items() if v}


def _id(cycle: str, day: str, kind: NoticeKind, suffix: str = "") -> str:
    return f"{cycle}-{day.replace('-', '')}-{kind}{suffix}"


def _entries(statuses: Mapping[str, BaseStatus]) -> Iterable[tuple[str, HistoryEntry]]:
    for uscc in sorted(statuses):
        for h in statuses[uscc].history:
            if h.date:
                yield uscc, h


def _proposed(statuses: Mapping[str, BaseStatus], now: date) -> list[Batch]:
    batches: dict[tuple[str, Publicity], list[NoticeItem]] = {}
    for uscc, h in _entries(statuses):
        p = h.publicity
        if h.decision == Decision.PROPOSED and p is not None and p.start <= now.isoformat():
            batches.setdefault((h.cycle, p), []).append(NoticeItem(uscc, h.decision))
    starts: dict[tuple[str, str], int] = {}
    for cycle, p in batches:
        starts[(cycle, p.start)] = starts.get((cycle, p.start), 0) + 1
    out = []
    for (cycle, p), items in batches.items():
        # bases starting the same day with different periods make two notices
        suffix = f"-{p.working_days}" if starts[(cycle, p.start)] > 1 else ""
        kind = NoticeKind.PROPOSED
        out.append(Batch(_id(cycle, p.start, kind, suffix), cycle, kind, p.start, tuple(items), p))
    return out


def _decided(statuses: Mapping[str, BaseStatus]) -> list[Batch]:
    results: dict[tuple[str, str], list[NoticeItem]] = {}
    revoked: dict[tuple[str, str], list[NoticeItem]] = {}
    for uscc, h in _entries(statuses):
        assert h.date is not None
        if h.kind == Kind.ASSESSMENT and h.decision in ASSESSMENT_DECISIONS:
            item = NoticeItem(uscc, h.decision, h.reason, h.deadline)
            results.setdefault((h.cycle, h.date), []).append(item)
        if h.revokes:
            revoked.setdefault((h.cycle, h.date), []).append(
                NoticeItem(uscc, Decision.REVOKED, h.reason)
            )
    out = []
    for kind, found in ((NoticeKind.RESULTS, results), (NoticeKind.REVOKED, revoked)):
        for (cycle, day), items in found.items():
            out.append(Batch(_id(cycle, day, kind), cycle, kind, day, tuple(items)))
    return out


def notices(statuses: Mapping[str, BaseStatus], now: date) -> list[Batch]:
    """Every notice published by ``now``, newest first."""
    out = _proposed(statuses, now) + _decided(statuses)
    return sorted(out, key=lambda b: (b.date, b.id), reverse=True)
