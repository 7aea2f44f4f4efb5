"""Validate a registry, or part of it: collect every finding, never stop at the first."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from .findings import Finding
from .registry import Record, Registry, select
from .rules import Context, run


@dataclass(frozen=True)
class Result:
    findings: list[Finding]
    files: int  # records checked


def _in(path: str, wanted: set[str] | None, prefixes: tuple[str, ...]) -> bool:
    if wanted is None:
        return True
    return path in wanted or path.startswith(prefixes)


def records_for(reg: Registry, paths: Iterable[str] | None) -> Iterator[Record]:
    chosen = None if paths is None else select(reg, paths)
    for rec in reg.records():
        if chosen is None or rec.relpath in chosen:
            yield rec


Progress = Callable[[int, int], None]


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
    paths = None if paths is None else [p.strip("/") for p in paths]
    prefixes = tuple(p + "/" for p in paths) if paths is not None else ()
    wanted = None if paths is None or any(p in ("", ".") for p in paths) else set(paths)
    ctx = Context(reg, now)
    findings = [f for f in reg.layout if _in(f.path, wanted, prefixes)]
    records = list(records_for(reg, paths))
    for count, rec in enumerate(records, 1):
        findings.extend(run(rec, ctx))
        if progress is not None and (count % 250 == 0 or count == len(records)):
            progress(count, len(records))
    return Result(sorted(set(findings)), len(records))
