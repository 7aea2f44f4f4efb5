"""Validate a registry, or part of it: one pass, one result.

For each record: what loading found, then the schema (``schemas``), then the
rules, merged so that one mistake gives one finding: a value that failed its
format (or was refused by the loader) is not reported again by the rules that
use it. The result holds every finding and which records are valid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from . import layout, schemas, speed
from .findings import Finding
from .registry import Record, Registry, scan
from .rules import RULES, Context, run_rules
from .seal import Keyring

# Findings about a mapping's keys name the mapping, not a value: they say
# nothing about the values under it.
_ABOUT_KEYS = frozenset({"schema-required", "schema-additionalProperties"})
# Rules that read any shape (personal data anywhere) report their own mistake,
# whatever else is wrong with the value.
_INDEPENDENT = frozenset(i for r in RULES.values() if r.on_invalid for i in (r.id, *r.emits))


@dataclass(frozen=True)
class Result:
    findings: list[Finding]
    files: int  # records checked
    valid: frozenset[str] = field(default_factory=frozenset)  # relpaths of valid records


Progress = Callable[[int, int], None]


def _covered(f: Finding, fields: set[str]) -> bool:
    """Is ``f`` about a value (or inside a value) that already has a finding?"""
    name = f.field
    while name:
        if name in fields:
            return True
        cut = max(name.rfind("."), name.rfind("["))
        name = name[:cut] if cut > 0 else ""
    return False


def _fields(findings: list[Finding]) -> set[str]:
    return {f.field for f in findings if f.field and f.rule not in _ABOUT_KEYS}


def _new(more: list[Finding], found: list[Finding]) -> list[Finding]:
    """The findings of ``more`` about values ``found`` says nothing about."""
    if not found:
        return more
    fields = _fields(found)
    return [f for f in more if f.rule in _INDEPENDENT or not _covered(f, fields)]


def check_record(rec: Record, ctx: Context) -> tuple[list[Finding], bool]:
    """Every finding of one record and whether it is valid (loaded, schema-clean).

    Each stage adds only findings about values the earlier stages said nothing
    about: loading (characters), then the schema, then the rules.
    """
    found = list(rec.load_findings)
    doc = rec.doc
    if doc is None:
        return found, False
    if not rec.matches_schema:
        found += _new(schemas.explain_errors(doc, rec.kind), found)
    found += _new(run_rules(rec, ctx, rec.valid), found)
    return found, rec.valid


def records_for(reg: Registry, paths: list[str] | None) -> Iterator[Record]:
    """The records under any of ``paths`` (all when None)."""
    for rec in reg.records():
        if _in(rec.relpath, paths):
            yield rec


def _in(path: str, paths: list[str] | None) -> bool:
    if paths is None or any(p in ("", ".") for p in paths):
        return True
    return any(path == p or path.startswith(p + "/") for p in paths)


def _unmatched(reg: Registry, paths: list[str], records: list[Record]) -> list[Finding]:
    """A finding for each path that names nothing in the registry (a typo passes nothing)."""
    out = []
    for p in paths:
        if p in ("", "."):
            continue
        if any(_in(r.relpath, [p]) for r in records) or any(_in(f.path, [p]) for f in reg.layout):
            continue
        if (reg.root / p).exists():
            continue  # a folder that exists but holds no record yet
        out.append(
            Finding(
                p,
                0,
                0,
                "path-unmatched",
                f"登记册中没有“{p}”这个文件或文件夹，未检查任何内容。请核对路径拼写"
                "（相对于登记册根目录，例如 submissions/<统一社会信用代码>/2026）。",
            )
        )
    return out


# Below this many records a second process costs more than it saves.
SPLIT_AT = 400


@dataclass
class Loaded:
    """Records loaded and put to their schema, for the rules of ``now``.

    ``early``: the records whose rules a child is already running (it loaded
    them, then went on to their rules); ``child`` still owes their findings.
    """

    reg: Registry
    records: list[Record]
    wanted: list[str] | None
    now: date | None = None
    early: frozenset[str] = frozenset()
    child: speed.Child[Any] | None = None

    def valid(self) -> frozenset[str]:
        return frozenset(r.relpath for r in self.records if r.valid)

    def ours(self) -> list[Record]:
        """The records whose rules are still to run here."""
        return [r for r in self.records if r.relpath not in self.early]


def _load_inline(records: list[Record], progress: Progress | None, step: int, total: int) -> None:
    for count, rec in enumerate(records, 1):
        rec.matches_schema  # noqa: B018 - loads the record and asks its schema
        if progress is not None and count % 250 == 0:
            progress(min(count * step, total - 1), total)


def _shares(records: list[Record]) -> tuple[list[Record], list[Record], list[Record]]:
    """(the cycles' records, ours, theirs): whole institutions to each process in turn,
    so that the rules of a share read only its own records and the cycles."""
    groups: dict[tuple[str, ...], list[Record]] = {}
    for rec in records:
        groups.setdefault(tuple(rec.relpath.split("/")[:2]), []).append(rec)
    first = [r for key, recs in groups.items() if key[0] == layout.CYCLES for r in recs]
    rest = [recs for key, recs in groups.items() if key[0] != layout.CYCLES]
    return first, [r for g in rest[::2] for r in g], [r for g in rest[1::2] for r in g]


def _their_share(reg: Registry, theirs: list[Record], now: date | None) -> Iterator[Any]:
    """The child's share: its records loaded (sent at once), then their rules' findings."""
    yield [r.loaded() for r in theirs]
    ctx = Context.build(reg, now)
    yield [f for r in theirs for f in check_record(r, ctx)[0]]


def load(
    reg: Registry,
    paths: Iterable[str] | None = None,
    *,
    now: date | None = None,
    progress: Progress | None = None,
    split: bool | None = None,
) -> Loaded:
    """Load the records under ``paths`` (all when None) and ask each its schema.

    A large registry is loaded by two processes (``split``: force or forbid
    it): a child takes every other institution, hands its values back whole,
    and goes on to their rules for ``now`` while this process works.
    """
    wanted = None if paths is None else [p.strip("/") for p in paths]
    records = list(records_for(reg, wanted))
    split = len(records) >= SPLIT_AT if split is None else split
    first, ours, theirs = _shares(records) if split else (records, [], [])
    total = len(records)
    with speed.no_gc_pauses():
        _load_inline(first, None, 1, total)  # the cycles: the child reads them too
        child = speed.Child(lambda: _their_share(reg, theirs, now)) if theirs else None
        try:
            _load_inline(ours, progress, 2, total)
            states = child.next() if child is not None else None
        except BaseException:
            if child is not None:
                child.close()
            raise
        if states is None:  # no child, or it failed: its share is loaded here
            child = None
            _load_inline(theirs, None, 1, total)
        else:
            for rec, state in zip(theirs, states, strict=True):
                rec.adopt(state)
    if progress is not None and records:
        progress(total, total)
    early = frozenset(r.relpath for r in theirs) if child is not None else frozenset()
    return Loaded(reg, records, wanted, now, early, child)


def _rules(loaded: Loaded, records: list[Record]) -> list[Finding]:
    """Every finding of ``records`` (loading's, the schema's, the rules')."""
    ctx = Context.build(loaded.reg, loaded.now)
    found: list[Finding] = []
    with speed.no_gc_pauses():
        for rec in records:
            found += check_record(rec, ctx)[0]
    return found


def _result(loaded: Loaded, ours: list[Finding]) -> Result:
    """Our findings with the child's (or, if it failed, the same made here) and the layout's."""
    reg, records, wanted = loaded.reg, loaded.records, loaded.wanted
    findings = [f for f in reg.layout if _in(f.path, wanted)]
    if wanted is not None:
        findings += _unmatched(reg, wanted, records)
    theirs = loaded.child.next() if loaded.child is not None else None
    if loaded.child is not None:
        loaded.child.close()
    if theirs is None and loaded.early:
        theirs = _rules(loaded, [r for r in records if r.relpath in loaded.early])
    return Result(sorted(set(findings + ours + (theirs or []))), len(records), loaded.valid())


def check(loaded: Loaded) -> Result:
    """The rules over loaded records, merged with what loading and the schema found."""
    return _result(loaded, _rules(loaded, loaded.ours()))


def validate(
    reg: Registry,
    paths: Iterable[str] | None = None,
    *,
    now: date | None = None,
    progress: Progress | None = None,
) -> Result:
    """Every finding of the records under ``paths`` (all when None), in a stable order.

    ``progress(done, total)`` is called now and then on long runs.
    """
    return check(load(reg, paths, now=now, progress=progress))


class Checking:
    """The rules of loaded records, run beside the caller in a forked child.

    The site build makes statuses and pages meanwhile (they read values the
    schema accepted, which do not wait for the rules) and asks ``result()``
    before the engine runs. A small registry, or a failed child, is checked
    inline when the result is asked.
    """

    def __init__(self, loaded: Loaded) -> None:
        self.loaded = loaded
        ours = loaded.ours()
        big = len(loaded.records) >= SPLIT_AT
        self.child = speed.Child(lambda: _rules(loaded, ours)) if big else None
        self._result: Result | None = None

    @property
    def done(self) -> bool:
        """Has the result been asked for (and so is at hand)?"""
        return self._result is not None

    def result(self) -> Result:
        if self._result is None:
            got = self.child.result() if self.child is not None else None
            ours = got if got is not None else _rules(self.loaded, self.loaded.ours())
            self._result = _result(self.loaded, ours)
        return self._result

    def __enter__(self) -> Checking:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.child is not None:
            self.child.close()
        if self.loaded.child is not None:
            self.loaded.child.close()


def validate_root(
    root: Path,
    paths: Iterable[str] | None = None,
    *,
    now: date | None = None,
    progress: Progress | None = None,
    keys: Keyring | None = None,
) -> Result:
    """``validate`` of the registry at ``root`` (``keys``: a reviewer's, opening sealed values)."""
    reg = scan(root)
    if keys is not None:
        reg.unlock(keys)
    return validate(reg, paths, now=now, progress=progress)
