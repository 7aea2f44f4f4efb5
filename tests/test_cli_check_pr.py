"""``cebase check-pr`` end to end: a real Git repository built from the demo registry, pull requests as branches.

``main`` holds the demo registry minus a few records; each pull request is a branch
that adds one back, or tries something the gate must refuse.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import markdown
import pytest
import yaml

from cebase.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "gate"
NEW_APP = "12650104DEM0A0019H"  # a new applicant: its whole folder arrives by pull request
SELF = "91650102DEM0T01784"  # a certified base filing its self-inspection
LATE = "12650109DEM0H0084P"  # an applicant with an extension in cycle.yaml (until 2025-11-14)
REVIEWED = "91650104DEM0L01153"  # a base whose self-inspection is reviewed on main
OTHER = "12650105DEM0J0093K"
OUTSIDER = "91650107DEM0Q0155H"
REVIEW = "submissions/12650102DEM0B0022P/2026/review.yaml"  # a reviewer adds it back
HELD_BACK = (
    f"submissions/{NEW_APP}",
    f"submissions/{SELF}/2026",
    f"submissions/{LATE}/2026",
    REVIEW,
)

pytestmark = pytest.mark.slow


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "-c",
            "user.name=测试",
            "-c",
            "user.email=t@example.cn",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def maintainer(uscc: str) -> str:
    data = yaml.safe_load((EXAMPLES / "submissions" / uscc / "institution.yaml").read_text("utf-8"))
    return data["maintainers"][0]


def restore(rel: str) -> Callable[[Path, Path], None]:
    def mutate(repo: Path, demo: Path) -> None:
        src, dst = demo / rel, repo / rel
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy2(src, dst)

    return mutate


def append(rel: str, text: str = "\n# 修改（测试）\n") -> Callable[[Path, Path], None]:
    def mutate(repo: Path, demo: Path) -> None:
        with (repo / rel).open("a", encoding="utf-8") as fh:
            fh.write(text)

    return mutate


def symlink(repo: Path, demo: Path) -> None:
    link = repo / f"submissions/{REVIEWED}/2026/attachments/link.pdf"
    link.symlink_to(f"../../../{OTHER}/2026/attachments/assessment-form.pdf")


def escape_rename(repo: Path, demo: Path) -> None:
    (repo / f"submissions/{REVIEWED}/2026/attachments/finance-statement.pdf").rename(
        repo / "finance-statement.pdf"
    )


def id_in_file_name(repo: Path, demo: Path) -> None:
    restore(f"submissions/{SELF}/2026")(repo, demo)
    (repo / f"submissions/{SELF}/2026/attachments/650102198001011234.pdf").write_bytes(
        b"%PDF-1.4\n"
    )


def bad_attachments(repo: Path, demo: Path) -> None:
    """An oversized referenced PDF, a PNG named .pdf, and an oversized file nothing refers to."""
    restore(f"submissions/{SELF}/2026")(repo, demo)
    folder = repo / f"submissions/{SELF}/2026/attachments"
    big = b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024)
    (folder / "assessment-form.pdf").write_bytes(big)
    (folder / "finance-statement.pdf").write_bytes((FIXTURES / "photo.png").read_bytes())
    (folder / "spare.pdf").write_bytes(big)


def draft_application(repo: Path, demo: Path) -> None:
    """A new application before its 附件1 is stamped: no scan, no path to it."""
    restore(f"submissions/{NEW_APP}")(repo, demo)
    folder = repo / f"submissions/{NEW_APP}/2026"
    app = folder / "application.yaml"
    lines = app.read_text("utf-8").splitlines(keepends=True)
    app.write_text("".join(x for x in lines if "application_form:" not in x), encoding="utf-8")
    (folder / "attachments/application-form.pdf").unlink()


BRANCHES: dict[str, Callable[[Path, Path], None]] = {
    "draft-application": draft_application,
    "bad-attachments": bad_attachments,
    "id-in-file-name": id_in_file_name,
    "new-application": restore(f"submissions/{NEW_APP}"),
    "self-inspection": restore(f"submissions/{SELF}/2026"),
    "late-extended": restore(f"submissions/{LATE}/2026"),
    "other-folder": append(f"submissions/{REVIEWED}/institution.yaml"),
    "untrusted-review": append(f"submissions/{OTHER}/2026/review.yaml"),
    "cycles": append("cycles/2026/cycle.yaml"),
    "symlink": symlink,
    "rename-escape": escape_rename,
    "review": restore(REVIEW),
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory, plain_examples: Path) -> Path:
    """The demo opened (a plain registry): these tests are about the gate, not sealing
    (tests/test_seal.py runs the gate on the sealed demo)."""
    root = tmp_path_factory.mktemp("gate") / "registry"
    shutil.copytree(plain_examples, root)
    for rel in HELD_BACK:
        target = root / rel
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "demo registry")
    for name, mutate in BRANCHES.items():
        git(root, "checkout", "-q", "-f", "-B", name, "main")
        git(root, "clean", "-fdxq")
        mutate(root, plain_examples)
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", name)
    git(root, "checkout", "-q", "-f", "main")
    return root


def check_pr(
    repo: Path, branch: str, author: str, now: str, *extra: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[dict[str, object]]]:
    code = main(
        [
            "check-pr",
            "--root",
            str(repo),
            "--base",
            "main",
            "--head",
            branch,
            "--author",
            author,
            "--now",
            now,
            "--format",
            "json",
            *extra,
        ]
    )
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    return code, json.loads(out)["findings"]


def errors(findings: list[dict[str, object]]) -> set[str]:
    return {str(f["rule"]) for f in findings if f["severity"] == "error"}


@pytest.mark.parametrize(
    ("branch", "author", "trusted", "now", "exit_code", "rules"),
    [
        ("new-application", maintainer(NEW_APP), False, "2025-11-06", 0, set()),
        ("self-inspection", maintainer(SELF), False, "2025-11-07", 0, set()),
        ("other-folder", maintainer(OUTSIDER), False, "2025-11-06", 1, {"gate-maintainer"}),
        ("untrusted-review", maintainer(OTHER), False, "2025-11-06", 1, {"gate-review-file"}),
        ("cycles", maintainer(OTHER), False, "2025-11-06", 1, {"gate-bureau-file"}),
        ("symlink", maintainer(REVIEWED), False, "2025-11-06", 1, {"gate-symlink"}),
        # The rename leaves the folder (scope), takes a reviewed record away (delete-reviewed)
        # and leaves its reference dangling (the validator's attachment-missing).
        (
            "rename-escape",
            maintainer(REVIEWED),
            False,
            "2025-11-06",
            1,
            {"gate-scope", "gate-delete-reviewed", "attachment-missing"},
        ),
        (
            "self-inspection",
            maintainer(SELF),
            False,
            "2025-11-10",
            1,
            {"gate-deadline"},
        ),  # late, no extension
        (
            "late-extended",
            maintainer(LATE),
            False,
            "2025-11-13",
            0,
            set(),
        ),  # late, extended until 11-14
        (
            "late-extended",
            maintainer(LATE),
            False,
            "2025-11-15",
            1,
            {"gate-deadline"},
        ),  # extension over
        ("review", "demo-reviewer-a", True, "2025-11-21", 0, set()),
        ("untrusted-review", "demo-reviewer-a", True, "2025-11-21", 0, set()),  # a reviewer may
        ("review", maintainer("12650102DEM0B0022P"), False, "2025-11-21", 1, {"gate-review-file"}),
    ],
)
def test_pull_request(
    repo: Path,
    branch: str,
    author: str,
    trusted: bool,
    now: str,
    exit_code: int,
    rules: set[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    extra = ("--trusted",) if trusted else ()
    code, findings = check_pr(repo, branch, author, now, *extra, capsys=capsys)
    assert (code, errors(findings)) == (exit_code, rules), findings


def test_only_the_touched_institution_is_validated(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, findings = check_pr(
        repo, "self-inspection", maintainer(SELF), "2025-11-07", capsys=capsys
    )
    assert code == 0
    assert all(str(f["path"]).startswith(f"submissions/{SELF}/") for f in findings)


def test_subprocess_writes_both_reports(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "pr-report"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "scripts")}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "cebase",
            "check-pr",
            "--root",
            str(repo),
            "--base",
            "main",
            "--head",
            "symlink",
            "--author",
            maintainer(REVIEWED),
            "--now",
            "2025-11-06",
            "--format",
            "github",
            "--report-dir",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert "::error file=submissions/" in proc.stdout and "title=gate-symlink" in proc.stdout
    report = (out / "comment.md").read_text("utf-8")
    assert (
        report.startswith("<!-- cebase-gate -->\n")
        and "❌ 需要修改" in report
        and "符号链接" in report
    )
    body = json.loads((out / "report.json").read_text("utf-8"))
    errors = {f["rule"] for f in body["findings"] if f["severity"] == "error"}
    assert body["ok"] is False and errors == {"gate-symlink"}


def test_failing_report_reads_as_html(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = check_pr(
        repo,
        "rename-escape",
        maintainer(REVIEWED),
        "2025-11-06",
        "--report-dir",
        str(tmp_path),
        capsys=capsys,
    )
    assert code == 1
    text = (tmp_path / "comment.md").read_text("utf-8")
    html = markdown.markdown(text, extensions=["tables"])
    assert "<h2>继续教育基地材料自动检查</h2>" in html
    assert "需要修改" in html and "finance-statement.pdf" in html.replace("\\", "")
    assert "<h4>📄" in html  # findings grouped under one heading per file
    assert len(text) <= 60_000


def test_bad_ref_is_a_usage_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check-pr", "--root", str(repo), "--base", "no-such-branch", "--author", "x"])
    assert code == 2 and "no-such-branch" in capsys.readouterr().err


def test_not_a_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check-pr", "--root", str(tmp_path), "--base", "main", "--author", "x"])
    assert code == 2 and "Git 仓库" in capsys.readouterr().err


def test_an_id_number_in_a_file_name_is_never_repeated(repo: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "report"
    code, findings = check_pr(
        repo,
        "id-in-file-name",
        maintainer(SELF),
        "2025-11-06",
        "--report-dir",
        str(out),
        capsys=capsys,
    )
    assert code == 1 and "personal-id" in errors(findings)
    for text in (
        json.dumps(findings, ensure_ascii=False),
        *(f.read_text("utf-8") for f in out.iterdir()),
    ):
        assert "650102198001011234" not in text


def test_one_finding_per_attachment_problem(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, findings = check_pr(
        repo, "bad-attachments", maintainer(SELF), "2025-11-06", capsys=capsys
    )
    problems = sorted(
        (f["rule"], f["field"] or str(f["path"]).rsplit("/", 1)[-1])
        for f in findings
        if str(f["rule"]).startswith("attachment-") or f["rule"] == "gate-file-type"
    )
    assert code == 1
    # The records' rule reports what they refer to; the gate only what nothing refers to.
    assert problems == [
        ("attachment-size", "attachments[0].file"),
        ("attachment-size", "spare.pdf"),
        ("attachment-type", "attachments[1].file"),
        ("attachment-unused", "spare.pdf"),
    ], problems


def test_the_comment_and_report_formats(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["check-pr", "--root", str(repo), "--base", "main", "--head", "symlink"]
    argv += ["--author", maintainer(REVIEWED), "--now", "2025-11-06"]
    assert main([*argv, "--format", "report"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["format"] == "cebase-gate-report/1" and report["ok"] is False
    assert "市人社局专业技术人员管理科（0991-4656129）" in report["contacts"]
    assert main([*argv, "--format", "comment"]) == 1
    text = capsys.readouterr().out
    assert (
        text.startswith("<!-- cebase-gate -->") and "符号链接" in text and "0991\\-4656129" in text
    )


def test_the_comment_module_renders_a_report_file(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cebase.gate import comment

    check_pr(
        repo,
        "symlink",
        maintainer(REVIEWED),
        "2025-11-06",
        "--report-dir",
        str(tmp_path),
        capsys=capsys,
    )
    assert comment.main([str(tmp_path / "report.json")]) == 0
    assert capsys.readouterr().out == (tmp_path / "comment.md").read_text("utf-8")
    assert comment.main([str(tmp_path / "missing.json")]) == 0
    assert "检查未能完成" in capsys.readouterr().out


def forms_of(
    repo: Path, branch: str, author: str, now: str, out: Path, capsys: pytest.CaptureFixture[str]
) -> dict[str, object]:
    argv = ["check-pr", "--root", str(repo), "--base", "main", "--head", branch]
    argv += ["--author", author, "--now", now, "--format", "report", "--forms-dir", str(out)]
    main(argv)
    return json.loads(capsys.readouterr().out)


def test_the_forms_of_a_complete_submission(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = forms_of(repo, "self-inspection", maintainer(SELF), "2025-11-07", tmp_path, capsys)
    name = f"{SELF}-2026.html"
    assert report["forms"] == [
        {
            "uscc": SELF,
            "cycle": "2026",
            "forms": ["2", "3"],
            "file": name,
            "draft": False,
            "missing": [],
            "errors": 0,
            "sealed": False,
        }
    ]
    assert [p.name for p in tmp_path.iterdir()] == [name]
    html = (tmp_path / name).read_text("utf-8")
    assert "考核评估表" in html and "收支情况统计表" in html and "草稿（未盖章）" not in html


def test_a_draft_when_only_the_stamped_scan_is_missing(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cebase.gate import comment

    report = forms_of(
        repo, "draft-application", maintainer(NEW_APP), "2025-11-06", tmp_path, capsys
    )
    (entry,) = report["forms"]
    assert (entry["file"], entry["draft"]) == (f"{NEW_APP}-2026.html", True)
    assert entry["missing"] == ["申报表（附件1）盖章扫描件"]
    assert "草稿（未盖章）" in (tmp_path / entry["file"]).read_text("utf-8")
    url = "https://github.com/bureau/registry/actions/runs/42/artifacts/7"
    text = comment.render(report, forms_url=url)
    assert f"]({url})" in text and f"`{NEW_APP}-2026.html`，**草稿**" in text
    assert "申报表（附件1）盖章扫描件" in text


def test_no_form_while_the_records_have_errors(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cebase.gate import comment

    report = forms_of(repo, "bad-attachments", maintainer(SELF), "2025-11-06", tmp_path, capsys)
    (entry,) = report["forms"]
    assert entry["file"] == "" and entry["errors"] == 2
    assert list(tmp_path.iterdir()) == []
    text = comment.render(report, forms_url="https://github.com/o/r/actions/runs/1/artifacts/2")
    assert "未生成。材料还有 2 个错误" in text and "/artifacts/" not in text


def test_a_printing_fault_never_decides_the_verdict(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cebase.gate import comment, printable

    def broken(*_args: object, **_kwargs: object) -> str:
        raise KeyError("rubric")

    monkeypatch.setattr(printable, "render", broken)
    argv = ["check-pr", "--root", str(repo), "--base", "main", "--head", "self-inspection"]
    argv += ["--author", maintainer(SELF), "--now", "2025-11-07", "--format", "report"]
    assert main([*argv, "--forms-dir", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["ok"] is True and "KeyError: 'rubric'" in err
    assert [(p["file"], p["errors"]) for p in report["forms"]] == [("", 0)]
    assert "生成表格时出错" in comment.render(report) and list(tmp_path.iterdir()) == []
