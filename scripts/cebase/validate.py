"""Validate a registry, or part of it: one pass, one result.

For each record: what loading found, then the schema (``schemas``), then the
rules, merged so that one mistake gives one finding: a value that failed its
format (or was refused by the loader) is not reported again by the rules that
use it. The result holds every finding and which records are valid.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import schemas
from .findings import Finding
from .registry import Record, Registry, scan, select
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


def records_for(reg: Registry, paths: Iterable[str] | None) -> Iterator[Record]:
    chosen = None if paths is None else select(reg, paths)
    for rec in reg.records():
        if chosen is None or rec.relpath in chosen:
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
    wanted = None if paths is None else [p.strip("/") for p in paths]
    records = list(records_for(reg, wanted))
    findings = [f for f in reg.layout if _in(f.path, wanted)]
    if wanted is not None:
        findings += _unmatched(reg, wanted, records)
    ctx = Context.build(reg, now)
    valid = set()
    with _no_gc_pauses():
        for count, rec in enumerate(records, 1):
            found, ok = check_record(rec, ctx)
            findings += found
            if ok:
                valid.add(rec.relpath)
            if progress is not None and (count % 250 == 0 or count == len(records)):
                progress(count, len(records))
    return Result(sorted(set(findings)), len(records), frozenset(valid))


class _no_gc_pauses:
    """Pause the cyclic garbage collector while a registry is loaded and checked.

    Loading makes millions of small objects (values, positions) that live to
    the end of the run and make no cycles; the collector would scan them again
    and again (measured: about 4% of a validation at 2,000 institutions). It
    is back on, as it was found, when the block ends.
    """

    def __enter__(self) -> None:
        self.was = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.was:
            gc.enable()


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
