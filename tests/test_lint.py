"""ruff (lint and format) is part of the test suite."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def ruff() -> str:
    beside = Path(sys.executable).with_name("ruff")
    found = str(beside) if beside.exists() else shutil.which("ruff")
    if not found:
        pytest.fail("ruff is not installed: run the README's test command, which installs it")
    return found


@pytest.mark.parametrize(
    "args", [["check", "scripts", "tests"], ["format", "--check", "scripts", "tests"]]
)
def test_ruff(args: list[str]) -> None:
    proc = subprocess.run([ruff(), *args], cwd=REPO, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
