"""Fixture trees: each positive case validates clean; each negative case gives exactly its findings.

A case is a folder under fixtures/records/{positive,negative}/ holding a
``submissions/`` tree; it is checked against the demo registry's cycles. A
negative case lists its expected findings in ``expected.txt`` as
``path:line:col: rule`` lines. A new case is a new folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cebase.findings import Severity
from cebase.registry import scan
from cebase.validate import validate

from .conftest import FIXTURES, copy_cycles

CASES = FIXTURES / "records"


def cases(kind: str) -> list[Path]:
    return sorted(p for p in (CASES / kind).iterdir() if p.is_dir())


def assemble(case: Path, tmp_path: Path) -> Path:
    root = tmp_path / case.name
    copy_cycles(root / "cycles")
    shutil.copytree(case / "submissions", root / "submissions")
    return root


@pytest.mark.parametrize("case", cases("positive"), ids=lambda p: p.name)
def test_positive(case: Path, tmp_path: Path) -> None:
    result = validate(scan(assemble(case, tmp_path)))
    assert [f for f in result.findings if f.severity is Severity.ERROR] == []


@pytest.mark.parametrize("case", cases("negative"), ids=lambda p: p.name)
def test_negative(case: Path, tmp_path: Path) -> None:
    result = validate(scan(assemble(case, tmp_path)))
    expected = [x for x in (case / "expected.txt").read_text("utf-8").split("\n") if x]
    # A line may pin the message too: ``path:line:col: rule: message``.
    got = [
        f"{f.path}:{f.line}:{f.col}: {f.rule}"
        + (f": {f.message}" if ": " in e.split(": ", 1)[1] else "")
        for f, e in zip(result.findings, expected, strict=False)
    ]
    assert got == expected[: len(got)] and len(result.findings) == len(expected)
    assert all(f.message for f in result.findings)


def test_every_negative_case_has_expectations() -> None:
    assert all((c / "expected.txt").is_file() for c in cases("negative"))


def test_validation_restores_the_collector_as_found(tmp_path: Path) -> None:
    import gc

    root = assemble(CASES / "negative" / "late-application", tmp_path)
    assert gc.isenabled()
    validate(scan(root))
    assert gc.isenabled()
    gc.disable()
    try:
        validate(scan(root))
        assert not gc.isenabled()  # a caller's own choice is kept
    finally:
        gc.enable()


@pytest.mark.parametrize("case", cases("negative"), ids=lambda p: p.name)
def test_result_says_which_records_are_valid(case: Path, tmp_path: Path) -> None:
    """The result's valid records are those loaded cleanly and matching their schema."""
    reg = scan(assemble(case, tmp_path))
    result = validate(reg)
    broken = {f.path for f in result.findings if f.rule.startswith(("schema", "yaml"))}
    for rec in reg.records():
        assert (rec.relpath in result.valid) == rec.valid
        if rec.relpath in broken:
            assert not rec.valid
