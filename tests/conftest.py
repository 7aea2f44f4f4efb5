"""Shared fixtures: the demo registry and helpers to run the CLI in-process.

The demo registry is sealed to the TEST key. A test of something other than
sealing that reads or edits personal values takes ``demo_plain`` (the demo opened
with ``cebase open``, its policy plain) or gives the commands ``--identity TEST_KEY``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .sealing import EXAMPLES, REPO, TEST_KEY, copy_cycles, open_copy, unlocked

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEMO_DATE = "2025-12-22"

__all__ = ["DEMO_DATE", "EXAMPLES", "FIXTURES", "REPO", "TEST_KEY", "copy_cycles", "unlocked"]


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    """A writable copy of the demo registry (sealed)."""
    root = tmp_path / "registry"
    shutil.copytree(EXAMPLES, root)
    return root


@pytest.fixture(scope="session")
def plain_examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo registry opened with the test identity, its policy plain. Read only."""
    return open_copy(tmp_path_factory.mktemp("plain") / "examples")


@pytest.fixture
def demo_plain(plain_examples: Path, tmp_path: Path) -> Path:
    """A writable copy of the demo registry, opened: personal values in plain text."""
    root = tmp_path / "registry"
    shutil.copytree(plain_examples, root)
    return root


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]):
    """Run ``cebase`` in-process; returns (exit code, stdout, stderr)."""
    from cebase.cli import main

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def single_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forked children allowed, whatever this machine's CPUs: the mechanics are tested."""
    from cebase import speed

    monkeypatch.setattr(speed, "cores", lambda: 2)
    if not speed.available():
        pytest.skip("another thread runs in this test process: forking is refused")
