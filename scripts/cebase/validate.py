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

from . import schemas, speed
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
    """Records loaded and put to their schema; the rules not yet run."""

    reg: Registry
    records: list[Record]
    wanted: list[str] | None

    def valid(self) -> frozenset[str]:
        return frozenset(r.relpath for r in self.records if r.valid)


def _load_inline(records: list[Record], progress: Progress | None, step: int, total: int) -> None:
    for count, rec in enumerate(records, 1):
        rec.matches_schema  # noqa: B018 - loads the record and asks its schema
        if progress is not None and count % 250 == 0:
            progress(min(count * step, total - 1), total)


def load(
    reg: Registry,
    paths: Iterable[str] | None = None,
    *,
    progress: Progress | None = None,
    split: bool | None = None,
) -> Loaded:
    """Load the records under ``paths`` (all when None) and ask each its schema.

    A large registry is loaded by two processes, each taking every other
    record (``split``: force or forbid it); the child's values come back whole.
    """
    wanted = None if paths is None else [p.strip("/") for p in paths]
    records = list(records_for(reg, wanted))
    split = len(records) >= SPLIT_AT if split is None else split
    theirs = records[1::2] if split else []
    with speed.no_gc_pauses():
        child = speed.Child(lambda: [r.loaded() for r in theirs]) if theirs else None
        try:
            _load_inline(
                records[::2] if split else records, progress, 2 if split else 1, len(records)
            )
            states = child.result() if child is not None else None
        finally:
            if child is not None:
                child.close()
        if states is None:  # no child, or it failed: load its share here
            _load_inline(theirs, None, 1, len(records))
        else:
            for rec, state in zip(theirs, states, strict=True):
                rec.adopt(state)
    if progress is not None and records:
        progress(len(records), len(records))
    return Loaded(reg, records, wanted)


def check(loaded: Loaded, now: date | None = None) -> Result:
    """The rules over loaded records, merged with what loading and the schema found."""
    reg, records, wanted = loaded.reg, loaded.records, loaded.wanted
    findings = [f for f in reg.layout if _in(f.path, wanted)]
    if wanted is not None:
        findings += _unmatched(reg, wanted, records)
    ctx = Context.build(reg, now)
    with speed.no_gc_pauses():
        for rec in records:
            findings += check_record(rec, ctx)[0]
    return Result(sorted(set(findings)), len(records), loaded.valid())


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
    return check(load(reg, paths, progress=progress), now)


class Checking:
    """The rules of loaded records, run beside the caller in a forked child.

    The site build makes statuses and pages meanwhile (they read values the
    schema accepted, which do not wait for the rules) and asks ``result()``
    before the engine runs. A small registry, or a failed child, is checked
    inline when the result is asked.
    """

    def __init__(self, loaded: Loaded, now: date | None) -> None:
        self.loaded, self.now = loaded, now
        big = len(loaded.records) >= SPLIT_AT
        self.child = speed.Child(lambda: check(loaded, now)) if big else None
        self._result: Result | None = None

    @property
    def done(self) -> bool:
        """Has the result been asked for (and so is at hand)?"""
        return self._result is not None

    def result(self) -> Result:
        if self._result is None:
            got = self.child.result() if self.child is not None else None
            self._result = got if got is not None else check(self.loaded, self.now)
        return self._result

    def __enter__(self) -> Checking:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.child is not None:
            self.child.close()


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
