"""The bureau's rules: small pure functions over loaded records.

Each rule has an id, says which record kinds it reads, and yields findings;
none prints or reads the clock (the date comes in the context). Rules are
written for schema-clean records; on a record the schema rejected they still
run, and a rule that trips over the broken shape is skipped (the schema
finding already tells the institution what to fix).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from ..findings import Finding, Severity, field_path
from ..registry import Record, Registry, Submission

Path_ = tuple[str | int, ...]
T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    registry: Registry
    now: date | None = None
    # Rules' caches for one run: the registry does not change while it is checked.
    memo: dict[Any, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    def submission_of(self, rec: Record) -> Submission | None:
        parts = rec.relpath.split("/")
        if len(parts) == 4 and parts[0] == "submissions":
            inst = self.registry.institutions.get(parts[1])
            return inst.submissions.get(parts[2]) if inst else None
        return None

    def cycle(self, cycle_id: str, kind: str = "cycle") -> dict[str, Any] | None:
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


def per_run(ctx: Context, key: Any, source: Any, make: Callable[[], T]) -> T:
    """``make()``, computed once per run while ``source`` (the data it reads) stays the same object."""
    hit = ctx.memo.get(key)
    if hit is not None and hit[0] is source:
        return hit[1]
    value = make()
    ctx.memo[key] = (source, value)
    return value


# The key of the document root when the root is itself a string (the loader
# never gives one, but rules must not care).
ROOT = object()
Strings = list[tuple[Path_, Any, str]]
_STRINGS_KEPT = 8  # records whose strings stay cached (a record's rules run together)


def _walk(data: Any) -> Strings:
    out: Strings = []
    if isinstance(data, str):
        return [((), ROOT, data)]
    if not isinstance(data, dict | list):
        return out
    append = out.append
    # Depth-first in document order; a path tuple is built per container, not
    # per string, which is most of the saving.
    stack = [((), iter(data.items()) if isinstance(data, dict) else enumerate(data))]
    while stack:
        path, items = stack[-1]
        for key, value in items:
            if isinstance(value, str):
                append((path, key, value))
            elif isinstance(value, dict):
                stack.append(((*path, key), iter(value.items())))
                break
            elif isinstance(value, list):
                stack.append(((*path, key), enumerate(value)))
                break
        else:
            stack.pop()
    return out


def strings(rec: Record, ctx: Context) -> Strings:
    """Every string of ``rec.data`` as (path of its container, key, text), in document order.

    What the text rules read (they only look at strings), walked once per
    record for all of them.
    """
    cache = ctx.memo.setdefault("strings", {})
    hit = cache.get(id(rec))
    if hit is not None and hit[0] is rec:  # the record is held, so its id is not reused
        return hit[1]
    out = _walk(rec.data)
    if len(cache) >= _STRINGS_KEPT:
        del cache[next(iter(cache))]
    cache[id(rec)] = (rec, out)
    return out


def leaf_path(path: Path_, key: Any) -> Path_:
    """The full path of a string given by ``strings``."""
    return path if key is ROOT else (*path, key)


def run(rec: Record, ctx: Context) -> list[Finding]:
    """Load findings, schema findings and rule findings of one record."""
    out = list(rec.load_findings)
    if rec.doc is None:
        return out
    valid = rec.valid
    for r in RULES.values():
        if rec.kind not in r.kinds:
            continue
        if valid or r.on_invalid:
            out.extend(r.fn(rec, ctx))
            continue
        # The schema already reported the record's shape; still tell the institution
        # everything else we can, and skip a rule the broken shape leaves nothing to check.
        try:
            out.extend(list(r.fn(rec, ctx)))
        except (KeyError, TypeError, AttributeError, ValueError, ArithmeticError):
            continue
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
    submission,  # noqa: F401
)
