"""The repository root is Urumqi's live registry: it validates, builds, and invents nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cebase.findings import Severity
from cebase.layout import place
from cebase.registry import scan
from cebase.validate import validate
from cebase.vocab import PENDING_CONFIRMATION

from .conftest import EXAMPLES, REPO

AREAS = ["建设情况", "管理情况", "培训情况", "申报专业情况"]  # the notice's 一（二）1-4


def test_the_root_validates_with_only_the_pending_warnings(run_cli) -> None:
    result = validate(scan(REPO))
    assert [f for f in result.findings if f.severity is Severity.ERROR] == []
    assert sorted(f.path for f in result.findings) == [
        "cycles/2026/cycle.yaml",
        "cycles/2026/rubric.yaml",
        "cycles/2026/specialties.yaml",
    ]
    assert {f.rule for f in result.findings} == {"cycle-pending"}
    code, out, _ = run_cli("validate", "--root", str(REPO))
    assert code == 0 and "0 个错误，3 个警告" in out


def test_every_root_file_has_a_place() -> None:
    for top in ("cycles", "submissions"):
        for path in sorted((REPO / top).rglob("*")):
            rel = path.relative_to(REPO).as_posix()
            assert place(rel).ok, rel


def test_the_cycle_states_what_the_notice_states() -> None:
    cycle = scan(REPO).cycles["2026"].records["cycle"].data
    assert cycle["issued"] == "2025-11-03" and cycle["assessed_year"] == 2025
    assert cycle["deadlines"] == {"application": "2025-11-07", "assessment": "2025-11-07"}
    assert len(cycle["legal_basis"]) == 2
    # contacts by office and office telephone only
    assert all(set(c) == {"office", "phone"} for c in cycle["contacts"])
    assert [c["phone"] for c in cycle["contacts"]] == ["0991-4656129", "0991-3193615"]
    assert cycle["incumbents"] == []  # the notice lists no bases
    # what the notice does not give is absent, and the file says so
    assert cycle["status"] == PENDING_CONFIRMATION
    assert cycle["publicity"] == {}
    for key in ("certification", "scoring", "grades", "application_pass", "rectification"):
        assert key not in cycle


def test_the_rubric_has_the_four_areas_and_no_weights() -> None:
    rubric = scan(REPO).cycles["2026"].records["rubric"].data
    assert rubric["status"] == PENDING_CONFIRMATION
    assert list(dict.fromkeys(i["area"] for i in rubric["indicators"])) == AREAS
    assert all("max" not in i for i in rubric["indicators"])
    assert "total" not in rubric and "vetoes" not in rubric


def test_the_catalogue_names_the_notice_series_and_no_specialty() -> None:
    cat = scan(REPO).cycles["2026"].records["specialties"].data
    assert cat["status"] == PENDING_CONFIRMATION and cat["specialties"] == []
    assert [s["name"] for s in cat["series"]] == ["工程", "经济", "会计", "统计", "审计"]
    assert all("副高级" in s["note"] and "自贸试验区" in s["note"] for s in cat["series"])


@pytest.mark.parametrize(
    ("rel", "drop"),
    [
        ("cycles/2026/cycle.yaml", "status: "),
        ("cycles/2026/rubric.yaml", "status: "),
        ("cycles/2026/specialties.yaml", "status: "),
    ],
)
def test_without_the_mark_the_blanks_are_errors(tmp_path: Path, rel: str, drop: str) -> None:
    root = tmp_path / "root"
    for top in ("cycles", "submissions"):
        for path in (REPO / top).rglob("*"):
            if path.is_file():
                target = root / path.relative_to(REPO)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(path.read_bytes())
    target = root / rel
    lines = target.read_text("utf-8").splitlines(keepends=True)
    target.write_text("".join(line for line in lines if not line.startswith(drop)), "utf-8")
    errors = [f for f in validate(scan(root)).findings if f.severity is Severity.ERROR]
    assert errors and {f.path for f in errors} == {rel}
    assert {f.rule for f in errors} <= {"schema-required", "schema-minItems"}


def test_the_applicants_readme_is_chinese_and_names_the_deadline() -> None:
    text = (REPO / "submissions" / "README.md").read_text("utf-8")
    assert "统一社会信用代码" in text and "2025 年 11 月 7 日" in text
    assert "0991-4656129" in text


@pytest.mark.slow
def test_the_root_builds(tmp_path: Path, run_cli) -> None:
    out = tmp_path / "site"
    code, _, err = run_cli("build", "--root", str(REPO), "--now", "2025-11-05", "-o", str(out))
    assert code == 0, err
    assert (out / "index.html").is_file() and (out / "guide" / "admin.html").is_file()


def test_records_filed_against_the_pending_cycle_are_checked_not_crashed(
    tmp_path: Path, run_cli
) -> None:
    """Self-scores and a scored outcome meet a rubric without weights: findings, never exit 2."""
    root = tmp_path / "root"
    shutil.copytree(REPO / "cycles", root / "cycles")
    shutil.copytree(REPO / "submissions", root / "submissions")
    for uscc in ("12650105DEM0J0093K", "91650102DEM0T01784"):  # a reviewed and a filed assessment
        shutil.copytree(EXAMPLES / "submissions" / uscc, root / "submissions" / uscc)
    code, out, err = run_cli("validate", "--root", str(root))
    assert code == 1 and err == ""
    pending = [line for line in out.splitlines() if "[review-outcome]" in line]
    assert len(pending) == 1 and "尚待市人社局确认" in pending[0]
    assert not any("超出范围" in line for line in out.splitlines())  # no maximum to exceed yet


def test_specialties_against_the_pending_catalogue_are_warnings(tmp_path: Path) -> None:
    """Until 附件4 is published an applicant cannot be told a code is wrong, only unchecked."""
    root = tmp_path / "root"
    shutil.copytree(REPO / "cycles", root / "cycles")
    shutil.copytree(REPO / "submissions", root / "submissions")
    uscc = "51650105DEM0F0067L"
    shutil.copytree(EXAMPLES / "submissions" / uscc, root / "submissions" / uscc)
    (root / "submissions" / uscc / "2026" / "review.yaml").unlink()
    found = [f for f in validate(scan(root)).findings if f.rule == "specialty-code"]
    assert found and all(f.severity is Severity.WARNING for f in found)
    assert all("尚待市人社局公布" in f.message for f in found)


def test_status_and_build_survive_an_unconfirmed_cycle(tmp_path: Path, run_cli) -> None:
    """A decided application against the root cycle (no validity, grades or 公示 length yet):
    the engine invents no end date and no period, and neither status nor build crashes."""
    shutil.copytree(REPO / "cycles", tmp_path / "cycles")
    uscc = "51650105DEM0F0067L"  # a demo applicant certified after its 公示 ends 2025-12-12
    shutil.copytree(EXAMPLES / "submissions" / uscc, tmp_path / "submissions" / uscc)
    code, out, err = run_cli("status", "--root", str(tmp_path), "--now", "2026-02-01")
    assert code == 0, err
    assert uscc in out and "内部错误" not in out + err
    code, out, err = run_cli(
        "build", "--root", str(tmp_path), "--now", "2026-02-01", "-o", str(tmp_path / "site")
    )
    assert "内部错误" not in out + err
