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

from .conftest import EXAMPLES, FIXTURES

CASES = FIXTURES / "records"


def cases(kind: str) -> list[Path]:
    return sorted(p for p in (CASES / kind).iterdir() if p.is_dir())


def assemble(case: Path, tmp_path: Path) -> Path:
    root = tmp_path / case.name
    shutil.copytree(EXAMPLES / "cycles", root / "cycles")
    shutil.copytree(case / "submissions", root / "submissions")
    return root


@pytest.mark.parametrize("case", cases("positive"), ids=lambda p: p.name)
def test_positive(case: Path, tmp_path: Path) -> None:
    result = validate(scan(assemble(case, tmp_path)))
    assert [f for f in result.findings if f.severity is Severity.ERROR] == []


@pytest.mark.parametrize("case", cases("negative"), ids=lambda p: p.name)
def test_negative(case: Path, tmp_path: Path) -> None:
    result = validate(scan(assemble(case, tmp_path)))
    got = [f"{f.path}:{f.line}:{f.col}: {f.rule}" for f in result.findings]
    expected = (case / "expected.txt").read_text("utf-8").split("\n")
    assert got == [line for line in expected if line]
    assert all(f.message for f in result.findings)


def test_every_negative_case_has_expectations() -> None:
    assert all((c / "expected.txt").is_file() for c in cases("negative"))


@pytest.mark.parametrize("case", cases("negative"), ids=lambda p: p.name)
def test_schema_check_after_trusted_loading_finds_the_same(case: Path, tmp_path: Path) -> None:
    """A registry partly loaded unchecked (for rendering), then checked, validates alike."""
    root = assemble(case, tmp_path)
    reg = scan(root)
    reg.trust_schema()
    for i, rec in enumerate(reg.records()):
        if i % 2:
            assert rec.doc is None or rec.valid  # unchecked: the shape is trusted
    reg.check_schemas()
    assert validate(reg).findings == validate(scan(root)).findings


def test_gc_pause_restores_the_collector_as_found() -> None:
    import gc

    from cebase.registry import no_gc_pauses

    assert gc.isenabled()
    with pytest.raises(KeyError), no_gc_pauses():
        assert not gc.isenabled()
        raise KeyError("x")
    assert gc.isenabled()
    gc.disable()
    try:
        with no_gc_pauses():
            pass
        assert not gc.isenabled()  # a caller's own choice is kept
    finally:
        gc.enable()
