"""The "everything wrong" submission: its whole report is asserted, word for word."""

from __future__ import annotations

import shutil
from pathlib import Path

from .conftest import FIXTURES, copy_cycles

GOLDEN = FIXTURES / "golden" / "everything-wrong"


def test_everything_wrong(tmp_path: Path, run_cli) -> None:
    root = tmp_path / "registry"
    copy_cycles(root / "cycles")
    shutil.copytree(GOLDEN / "submissions", root / "submissions")
    code, out, err = run_cli("validate", "--root", str(root))
    assert code == 1
    assert err == ""
    assert out == (GOLDEN / "expected-output.txt").read_text("utf-8")
