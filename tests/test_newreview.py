"""``cebase new review``: the skeleton fits the base's stage on the date."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cebase.loader import load_yaml_bytes
from cebase.template import schema_ref
from cebase.validate import validate

from .conftest import DEMO_DATE, EXAMPLES, unlocked

FORFEIT = "91650107DEM0Q0155H"


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    root = tmp_path / "reg"
    shutil.copytree(EXAMPLES, root)
    return root


def _new(run_cli, root: Path, uscc: str, now: str = DEMO_DATE) -> tuple[int, str, str]:
    return run_cli(
        "new", "review", "--code", uscc, "--cycle", "2026", "--root", str(root), "--now", now
    )


@pytest.mark.parametrize(
    ("uscc", "subject", "keys"),
    [
        (FORFEIT, "assessment", {"cycle", "subject", "outcome", "approvals"}),
        ("12650104DEM0A0019H", "application", {"cycle", "subject", "preliminary", "approvals"}),
        ("91650102DEM0T01784", "assessment", {"cycle", "subject", "preliminary", "approvals"}),
    ],
)
def test_skeleton_fits_the_stage(
    demo_copy: Path, run_cli, uscc: str, subject: str, keys: set[str]
) -> None:
    code, out, err = _new(run_cli, demo_copy, uscc)
    assert (code, err) == (0, "") and "已生成" in out
    target = demo_copy / "submissions" / uscc / "2026" / "review.yaml"
    text = target.read_text("utf-8")
    header = text.partition("\n")[0]
    assert header == f"# yaml-language-server: $schema={schema_ref(target, 'review')}"
    assert (target.parent / header.partition("$schema=")[2]).resolve().is_file()
    assert "# 市人社局评审记录" in text
    data = load_yaml_bytes("review.yaml", text.encode()).document.data
    assert set(data) == keys and data["subject"] == subject


def test_forfeit_skeleton_invents_no_preliminary(demo_copy: Path, run_cli) -> None:
    _new(run_cli, demo_copy, FORFEIT)
    target = demo_copy / "submissions" / FORFEIT / "2026" / "review.yaml"
    data = load_yaml_bytes("r.yaml", target.read_bytes()).document.data
    assert data["outcome"]["forfeit"] is True and data["outcome"]["decision"] == "取消资格"
    # once the second reviewer is written, it validates (every check: the reviewer's key
    # opens the demo's sealed fields) and the status follows it
    target.write_text(
        target.read_text("utf-8").replace("approvals: []", "approvals: [demo-reviewer-b]"), "utf-8"
    )
    findings = validate(unlocked(demo_copy), [f"submissions/{FORFEIT}"]).findings
    assert findings == []


def test_no_skeleton_where_no_review_is_due(demo_copy: Path, run_cli) -> None:
    code, _, err = _new(run_cli, demo_copy, FORFEIT, now="2025-11-05")  # not yet overdue
    assert code == 1 and "待自查" in err
    code, _, err = _new(run_cli, demo_copy, "12650105DEM0J0093K")  # has its review
    assert code == 1 and "已存在" in err
