"""The bureau's rules: small pure functions over loaded records.

Each rule has an id, says which record kinds it reads, and yields findings;
none prints, reads a file or reads the clock (the date comes in the context).
Rules are written for schema-clean records; on a record the schema rejected
they still run, and a rule that trips over the broken shape is skipped (the
schema finding already tells the institution what to fix). What a rule needs
of the whole registry (a cycle's catalogue, rubric maxima, extensions) is
indexed once per run in explicit objects (``CycleIndex``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ..armour import SealedValue
from ..document import ROOT, Strings, leaf_path
from ..findings import Finding, Severity, field_path
from ..registry import Record, Registry, Submission
from ..scoring import dec
from ..vocab import Extensions, Kind
from ..workdays import WorkCalendar, declared_days

Path_ = tuple[str | int, ...]
__all__ = ["ROOT", "leaf_path"]


@dataclass(frozen=True)
class CycleIndex:
    """What rules look up in one cycle's files, indexed once (None: file missing or invalid)."""

    cycle: Mapping[str, Any] | None
    catalogue: Mapping[str, Mapping[str, Any]] | None  # specialty code -> entry
    indicators: Mapping[str, Mapping[str, Any]] | None  # rubric indicator id -> entry
    maxima: Mapping[str, Decimal]  # rubric indicator id -> maximum score
    extensions: Extensions
    checklists: Mapping[str, Any] | None
    # USCC -> its entries in the cycle's ``incumbents``, in file order (asked once per base)
    incumbents: Mapping[str, list[Mapping[str, Any]]] = field(default_factory=dict)

    @classmethod
    def of(cls, reg: Registry, cycle_id: str) -> CycleIndex:
        notice = reg.cycle_data(cycle_id, Kind.CYCLE)
        specs = reg.cycle_data(cycle_id, Kind.SPECIALTIES)
        rubric = reg.cycle_data(cycle_id, Kind.RUBRIC)
        indicators = {i["id"]: i for i in rubric["indicators"]} if rubric else None
        return cls(
            cycle=notice,
            catalogue={s["code"]: s for s in specs["specialties"]} if specs else None,
            indicators=indicators,
            maxima={k: dec(i["max"]) for k, i in (indicators or {}).items() if "max" in i},
            extensions=Extensions(notice or {}),
            checklists=reg.cycle_data(cycle_id, Kind.CHECKLISTS),
            incumbents=_by_uscc((notice or {}).get("incumbents") or []),
        )


def _by_uscc(items: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    out: dict[str, list[Mapping[str, Any]]] = {}
    for item in items:
        out.setdefault(item.get("uscc"), []).append(item)
    return out


_NO_CYCLE = CycleIndex(None, None, None, {}, Extensions({}), None)


@dataclass(frozen=True)
class Context:
    registry: Registry
    now: date | None = None
    cycles: Mapping[str, CycleIndex] = field(default_factory=dict)
    declared: Mapping[date, bool] = field(default_factory=dict)  # the cycles' declared days

    @classmethod
    def build(cls, registry: Registry, now: date | None = None) -> Context:
        """The context of one run, with every cycle's index built once."""
        cycles = {cid: CycleIndex.of(registry, cid) for cid in registry.cycles}
        datas = (registry.cycle_data(c, Kind.CYCLE) for c in sorted(registry.cycles))
        return cls(registry, now, cycles, declared_days(datas))

    def calendar(self) -> WorkCalendar:
        """A fresh working-day calendar with the cycles' declared days (it records guesses)."""
        return WorkCalendar(self.declared)

    def index(self, cycle_id: Any) -> CycleIndex:
        return self.cycles.get(str(cycle_id), _NO_CYCLE)

    def submission_of(self, rec: Record) -> Submission | None:
        return self.registry.submission_at(rec.relpath)

    def cycle(self, cycle_id: str, kind: str = Kind.CYCLE) -> dict[str, Any] | None:
        return self.registry.cycle_data(cycle_id, kind)


RuleFn = Callable[[Record, Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    kinds: frozenset[str]
    fn: RuleFn
    on_invalid: bool = False  # also runs when the schema found problems
    emits: tuple[str, ...] = ()  # further rule ids the same function reports

    @property
    def doc(self) -> str:
        return (self.fn.__doc__ or "").strip().splitlines()[0]


RULES: dict[str, Rule] = {}


def rule_ids() -> frozenset[str]:
    """Every rule id a finding can carry (checklists may name any of them)."""
    return frozenset(i for r in RULES.values() for i in (r.id, *r.emits))


def rule(
    rule_id: str, *kinds: str, on_invalid: bool = False, emits: tuple[str, ...] = ()
) -> Callable[[RuleFn], RuleFn]:
    def register(fn: RuleFn) -> RuleFn:
        RULES[rule_id] = Rule(rule_id, frozenset(kinds), fn, on_invalid, emits)
        return fn

    return register


def at(
    rec: Record,
    path: Path_,
    rule_id: str,
    message: str,
    *,
    severity: Severity = Severity.ERROR,
    key: bool = False,
) -> Finding:
    """A finding positioned on the node at ``path`` of ``rec``."""
    line, col = rec.doc.pos(path, key=key) if rec.doc is not None else (0, 0)
    return Finding(rec.relpath, line, col, rule_id, message, severity, field_path(path))


def strings(rec: Record, ctx: Context) -> Strings:
    """Every string of ``rec.data`` as (path of its container, key, text), in document order."""
    return rec.doc.strings() if rec.doc is not None else []


def run_rules(rec: Record, ctx: Context, valid: bool) -> list[Finding]:
    """The rule findings of one loaded record (``valid``: it matched its schema)."""
    out: list[Finding] = []
    waiting = []  # rules that needed a sealed value no key at hand opens
    for r in RULES.values():
        if rec.kind not in r.kinds:
            continue
        try:
            out.extend(list(r.fn(rec, ctx)))
        except SealedValue:
            waiting.append(r.id)
        except (KeyError, TypeError, AttributeError, ValueError, ArithmeticError):
            if valid or r.on_invalid:
                raise
            # The schema already reported the record's shape; still tell the institution
            # everything else we can, and skip a rule the broken shape leaves nothing to check.
    if rec.keys is not None and rec.doc is not None:
        out.extend(rec.keys.waiting(rec.doc, rule_id) for rule_id in waiting)
    return out


# Importing the rule modules registers their rules.
from . import (  # noqa: E402
    catalogue,  # noqa: F401
    checklist,  # noqa: F401
    contact,  # noqa: F401
    cycle,  # noqa: F401
    dates,  # noqa: F401
    decisions,  # noqa: F401
    files,  # noqa: F401
    holdings,  # noqa: F401
    identity,  # noqa: F401
    numbers,  # noqa: F401
    privacy,  # noqa: F401
    review,  # noqa: F401
    sealed,  # noqa: F401
    submission,  # noqa: F401
)
