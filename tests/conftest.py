"""Shared fixtures: the demo registry and helpers to run the CLI in-process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEMO_DATE = "2025-12-22"


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    """A writable copy of the demo registry."""
    root = tmp_path / "registry"
    shutil.copytree(EXAMPLES, root)
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
