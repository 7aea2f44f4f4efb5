"""What has happened to one institution so far, and how a node of a flow is shown."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ..model import BaseStatus, Deadline, HistoryEntry, Publicity, Stage, Status
from ..registry import Record
from ..vocab import Extensions, level_key, parse_day, validity_end
from ..workdays import WorkCalendar
from .reasons import RULES, Node, reason

# Queue order: what the bureau must act on first gets the lowest number.
NEEDS: Mapping[Status, int] = {
    Status.RECTIFY_OVERDUE: 0,
    Status.OVERDUE: 0,
    Status.SUBMITTED: 1,
    Status.SELF_INSPECTION_FILED: 1,
    Status.UNDER_REVIEW: 2,
    Status.PROPOSED: 2,  # WAITING while its 公示 runs or is scheduled
    Status.RETURNED: 3,
    Status.AWAITING_SELF_INSPECTION: 4,
    Status.RECTIFY: 4,
    Status.EXPIRED: 6,
}
WAITING = 5
SETTLED = 9
MAX_WAIT_DAYS = 366


def valid(rec: Record | None) -> dict[str, Any] | None:
    return rec.data if rec is not None and rec.valid else None


def specialties(items: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in items:
        add_specialty(out, item["code"], item.get("levels", []))
    return out


def add_specialty(specs: dict[str, list[str]], code: str, levels: Iterable[str]) -> None:
    specs[code] = sorted(set(specs.get(code, [])) | set(levels), key=level_key)


@functools.lru_cache(maxsize=4096)
def _waited(since: date, now: date, declared: tuple[tuple[date, bool], ...]) -> int | None:
    # a count only, on its own calendar: a guessed year here is no warning about a decision
    if since >= now:
        return 0
    if (now - since).days > MAX_WAIT_DAYS:
        return None
    return WorkCalendar(dict(declared)).count_working_days(since + timedelta(days=1), now)


@dataclass(frozen=True)
class CycleInfo:
    id: str
    relpath: str
    data: dict[str, Any]
    rubric: dict[str, Any] | None
    extensions: Extensions

    @functools.cached_property
    def incumbents(self) -> dict[str, Mapping[str, Any]]:
        """The cycle's incumbents by USCC (the first entry of a code counts), indexed once."""
        out: dict[str, Mapping[str, Any]] = {}
        for item in self.data.get("incumbents") or []:
            out.setdefault(item["uscc"], item)
        return out

    @property
    def issued(self) -> date:
        day = parse_day(self.data["issued"])
        assert day is not None  # the schema requires a date
        return day

    @property
    def validity_years(self) -> int:
        """0 while the bureau has not set it (待市人社局确认): no end date is invented."""
        return int((self.data.get("certification") or {}).get("validity_years") or 0)


@dataclass(frozen=True)
class Shown:
    """A node of a flow with everything its view needs."""

    node: Node
    stage: Stage
    cycle: str | None
    decided_by: str
    facts: Mapping[str, Any] = field(default_factory=dict)
    since: date | None = None
    publicity: Publicity | None = None
    deadlines: tuple[Deadline, ...] = ()
    missing: tuple[str, ...] = ()
    needs_action: int | None = None


@dataclass
class State:
    """One institution replayed cycle by cycle up to ``now``."""

    uscc: str
    name: str | None
    cal: WorkCalendar
    now: date
    certified: bool = False
    revoked: bool = False
    certified_on: date | None = None
    valid_until: date | None = None
    certified_by: str = ""  # relpath of the record that certified it
    validity_years: int = 0
    grade: str | None = None
    score: Decimal | None = None
    specialties: dict[str, list[str]] = field(default_factory=dict)
    history: list[HistoryEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def certify(
        self, on: date, years: int, source: str, specs: dict[str, list[str]] | None
    ) -> None:
        self.certified, self.revoked = True, False
        self.certified_on, self.certified_by, self.validity_years = on, source, years
        self.valid_until = validity_end(on, years) if years else None
        if specs is not None:
            self.specialties = specs

    def renew(self, on: date) -> None:
        """继续认定 after a passing assessment."""
        if self.validity_years and self.valid_until is not None:
            self.valid_until = max(self.valid_until, validity_end(on, self.validity_years))

    def revoke(self) -> None:
        self.certified, self.revoked = False, True

    def waited(self, since: date | None, declared: Mapping[date, bool]) -> int | None:
        """Working days since ``since``; None when unknown or over a year."""
        if since is None:
            return None
        return _waited(since, self.now, tuple(sorted(declared.items())))

    def view(self, shown: Shown) -> BaseStatus:
        node = shown.node
        assert node.rule in RULES, node.rule
        needs = (
            NEEDS.get(node.status, SETTLED) if shown.needs_action is None else shown.needs_action
        )
        facts = {**shown.facts, "valid_until": self.valid_until}
        return BaseStatus(
            uscc=self.uscc,
            name=self.name,
            stage=shown.stage,
            status=node.status,
            reason=reason(node.reason, facts),
            decided_by=shown.decided_by,
            rule=node.rule,
            cycle=shown.cycle,
            certified=self.certified,
            certified_on=self.certified_on.isoformat() if self.certified_on else None,
            valid_until=self.valid_until.isoformat() if self.valid_until else None,
            grade=self.grade,
            score=self.score,
            specialties={k: list(v) for k, v in sorted(self.specialties.items())},
            publicity=shown.publicity,
            history=list(self.history),
            deadlines=list(shown.deadlines),
            missing=list(shown.missing),
            needs_action=needs,
            warnings=list(self.warnings),
            since=shown.since.isoformat() if shown.since else None,
            waited=self.waited(shown.since, self.cal.declared) if needs < SETTLED else None,
        )
