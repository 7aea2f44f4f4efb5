"""`cebase new` writes a template whose `$schema=` header points at the schema, wherever the
registry is (the repository itself, `examples/`, or a folder elsewhere)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, REPO

NEW_CODE = "91650107DEM0X0014B"  # an institution the demo does not have


def header_target(file: Path) -> Path:
    first = file.read_text("utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, first
    return (file.parent / match.group(1)).resolve()


@pytest.mark.parametrize("where", [".", "a/b/c"])
@pytest.mark.parametrize("kind", ["application", "assessment"])
def test_header_points_at_the_schema(run_cli, tmp_path: Path, where: str, kind: str) -> None:
    root = tmp_path / where / "registry"
    shutil.copytree(EXAMPLES / "cycles", root / "cycles")
    (root / "submissions").mkdir()
    code, out, _ = run_cli("new", kind, "--code", NEW_CODE, "--cycle", "2026", "--root", str(root))
    assert code == 0, out
    folder = root / "submissions" / NEW_CODE
    assert (
        header_target(folder / "2026" / f"{kind}.yaml") == REPO / "schemas" / f"{kind}.schema.json"
    )
    assert header_target(folder / "institution.yaml") == REPO / "schemas/institution.schema.json"


def test_demo_headers_point_at_the_schemas() -> None:
    for file in EXAMPLES.rglob("*.yaml"):
        target = header_target(file)
        assert target.parent == REPO / "schemas" and target.is_file(), file
