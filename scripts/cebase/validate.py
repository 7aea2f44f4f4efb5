"""Validate a registry, or part of it: collect every finding, never stop at the first."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .findings import Finding
from .registry import Record, Registry, no_gc_pauses, scan, select
from .rules import Context, run
from .seal import Keyring


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
    findings = [f for f in reg.layout if _in(f.path, wanted, prefixes)]
    records = list(records_for(reg, paths))
    with no_gc_pauses():
        findings += _check(reg, records, now, progress, len(records))
    return Result(sorted(set(findings)), len(records))


def _check(
    reg: Registry, records: list[Record], now: date | None, progress: Progress | None, total: int
) -> list[Finding]:
    ctx = Context(reg, now)
    findings: list[Finding] = []
    for count, rec in enumerate(records, 1):
        findings.extend(run(rec, ctx))
        if progress is not None and (count % 250 == 0 or count == total):
            progress(count, total)
    return findings


def _institution_records(reg: Registry, usccs: Iterable[str]) -> list[Record]:
    return [rec for uscc in usccs for rec in reg.institutions[uscc].records()]


def _worker(root: str, usccs: list[str], now: date | None) -> list[Finding]:
    """The second process's half (module-level, so a spawned process can import it)."""
    reg = scan(Path(root))
    return _check(reg, _institution_records(reg, usccs), now, None, 0)


# Below this many institutions a second process costs more than it saves.
PARALLEL_FROM = 500


def validate_root(
    root: Path,
    paths: Iterable[str] | None = None,
    *,
    now: date | None = None,
    progress: Progress | None = None,
    jobs: int = 1,
    keys: Keyring | None = None,
) -> Result:
    """``validate`` of the registry at ``root``; a large one is shared with a second process.

    The split is by institution: each side loads and checks its own folders, the
    cycle files are read by both for context, and the findings are merged into
    the same sorted list a single process gives.
    """
    reg = scan(root)
    if keys is not None:  # a reviewer's key opens sealed values; it stays in this process
        reg.unlock(keys)
    if jobs < 2 or paths is not None or keys is not None or len(reg.institutions) < PARALLEL_FROM:
        return validate(reg, paths, now=now, progress=progress)
    usccs = sorted(reg.institutions)
    mine, theirs = usccs[: len(usccs) // 2], usccs[len(usccs) // 2 :]
    cycles = [rec for c in reg.cycles.values() for rec in c.records.values()]
    local = [*cycles, *_institution_records(reg, mine)]
    total = len(local) + len(_institution_records(reg, theirs))
    ctx = multiprocessing.get_context("spawn")  # no fork: the caller may hold threads
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        remote = pool.submit(_worker, str(root), theirs, now)
        findings = [*reg.layout, *_check(reg, local, now, progress, total)]
        findings += remote.result()
    if progress is not None:
        progress(total, total)
    return Result(sorted(set(findings)), total)
