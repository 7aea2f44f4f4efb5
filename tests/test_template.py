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


@pytest.mark.parametrize(
    "file",
    sorted(EXAMPLES.glob("submissions/*/institution.yaml"))[:3]
    + sorted(EXAMPLES.glob("submissions/*/2026/application.yaml"))
    + sorted(EXAMPLES.glob("submissions/*/2026/assessment.yaml")),
    ids=lambda p: p.relative_to(EXAMPLES).as_posix(),
)
def test_a_whole_record_renders_back_to_itself(file: Path) -> None:
    """The site's forms write a whole record with this renderer: nothing is lost or added."""
    from cebase.loader import load_yaml_bytes
    from cebase.template import render

    kind = file.stem
    data = load_yaml_bytes(file.name, file.read_bytes()).document.data
    text = render(kind, "x", data, complete=True, notes={"self_scores": {"A1": "师资"}})
    again = load_yaml_bytes(file.name, text.encode("utf-8")).document.data
    assert again == data
