"""One pass, one result: loading in two processes or one, the rules beside or inline, agree."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cebase import validate
from cebase.armour import Sealed
from cebase.registry import scan

from .conftest import DEMO_DATE, EXAMPLES, FIXTURES

NOW = date.fromisoformat(DEMO_DATE)


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """The demo with the golden "everything wrong" submission and sealed records beside it."""
    root = tmp_path / "registry"
    shutil.copytree(EXAMPLES, root)
    shutil.copytree(
        FIXTURES / "golden" / "everything-wrong" / "submissions",
        root / "submissions",
        dirs_exist_ok=True,
    )
    return root


def _plain(value: Any) -> Any:
    """A sealed stand-in by its armour: equal values, whichever process made them."""
    if isinstance(value, Sealed):
        return ("sealed", value.armour)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _loaded_values(loaded: validate.Loaded) -> list[Any]:
    return [
        _plain((r.relpath, r.data, r.load_findings, r.matches_schema, r.doc and r.doc.strings()))
        for r in loaded.records
    ]


def test_two_processes_load_what_one_loads(mixed: Path, single_thread: None) -> None:
    one = validate.load(scan(mixed), now=NOW, split=False)
    two = validate.load(scan(mixed), now=NOW, split=True)
    assert two.child is not None and two.early  # the child went on to its share's rules
    assert _loaded_values(two) == _loaded_values(one)
    checked = validate.check(two)
    assert checked == validate.check(one)
    assert any(f.rule.startswith("schema-") for f in checked.findings)
    assert any(f.path.startswith(tuple(two.early)) for f in checked.findings)
    assert two.child.pid == 0  # reaped once its findings came


def test_the_rules_beside_give_the_result_inline(
    mixed: Path, single_thread: None, monkeypatch
) -> None:
    inline = validate.validate(scan(mixed), now=NOW)
    monkeypatch.setattr(validate, "SPLIT_AT", 0)
    with validate.Checking(validate.load(scan(mixed), now=NOW)) as checking:
        assert checking.child is not None and checking.child.pid
        assert checking.loaded.early  # and the loading child checks its own share
        assert checking.result() == inline
    assert inline.findings and inline.valid


class _Failing:
    """A child that never answers (it could not fork, or it died)."""

    pid = 0

    def __init__(self, work) -> None:
        pass

    def next(self):
        return None

    def result(self):
        return None

    def close(self) -> None:
        pass


def _dies_after_loading(reg, theirs, now):
    yield [r.loaded() for r in theirs]
    raise RuntimeError("the child died before its rules were done")


def test_a_failed_child_is_made_good_inline(mixed: Path, monkeypatch) -> None:
    inline = validate.validate(scan(mixed), now=NOW)
    monkeypatch.setattr(validate.speed, "Child", _Failing)
    monkeypatch.setattr(validate, "SPLIT_AT", 0)
    loaded = validate.load(scan(mixed), now=NOW)
    assert not loaded.early
    assert validate.check(loaded) == inline
    with validate.Checking(validate.load(scan(mixed), now=NOW)) as checking:
        assert checking.result() == inline


def test_a_child_that_dies_after_loading_is_made_good_inline(
    mixed: Path, single_thread: None, monkeypatch
) -> None:
    inline = validate.validate(scan(mixed), now=NOW)
    monkeypatch.setattr(validate, "_their_share", _dies_after_loading)
    loaded = validate.load(scan(mixed), now=NOW, split=True)
    assert loaded.early
    assert validate.check(loaded) == inline


def test_progress_reaches_the_total_once(mixed: Path) -> None:
    seen: list[tuple[int, int]] = []
    validate.validate(scan(mixed), now=NOW, progress=lambda d, t: seen.append((d, t)))
    total = seen[-1][1]
    assert seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert sum(1 for d, t in seen if d == t) == 1
