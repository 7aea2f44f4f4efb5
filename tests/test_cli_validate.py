"""`cebase validate` and `cebase new`: the command-line contract."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cebase import schemas
from cebase.loader import load_yaml_bytes
from cebase.rules.files import ATTACHMENT_MAX_BYTES
from cebase.schemas import schema

from .conftest import EXAMPLES, REPO

APP = "submissions/12650104DEM0A0019H"
CODE = "12650102DEM0B0022P"
BASE = "12650105DEM0J0093K"  # an incumbent of the demo cycle


def test_demo_registry_is_valid(run_cli) -> None:
    code, out, _ = run_cli("validate", "--root", str(EXAMPLES))
    assert code == 0
    assert "全部通过" in out


@pytest.mark.parametrize("fmt", ["text", "github", "json", "markdown"])
def test_formats(demo_copy: Path, run_cli, fmt: str) -> None:
    f = demo_copy / APP / "institution.yaml"
    f.write_text(f.read_text("utf-8").replace("district: ", "district: 不存在区 #"), "utf-8")
    code, out, _ = run_cli("validate", "--root", str(demo_copy), "--format", fmt, APP)
    assert code == 1
    if fmt == "text":
        assert f"{APP}/institution.yaml:7:11: error[schema-enum]" in out
    elif fmt == "github":
        assert f"::error file={APP}/institution.yaml,line=7,col=11,title=schema-enum::" in out
    elif fmt == "json":
        body = json.loads(out)
        errors = [f for f in body["findings"] if f["severity"] == "error"]
        assert body["errors"] == 1 and errors[0]["line"] == 7
    else:
        assert "| 第 7 行第 11 列 | 错误 |" in out


def test_github_annotations_cannot_be_injected(demo_copy: Path, run_cli) -> None:
    f = demo_copy / APP / "institution.yaml"
    f.write_text(
        f.read_text("utf-8").replace("district: ", 'district: "x\\n::warning::forged%0A" #'),
        "utf-8",
    )
    _, out, _ = run_cli("validate", "--root", str(demo_copy), "--format", "github", APP)
    lines = out.splitlines()
    assert not any(line.startswith("::warning") for line in lines)
    assert "%0A::warning::forged%250A" in out


def test_paths_limit_the_check(demo_copy: Path, run_cli) -> None:
    (demo_copy / "submissions/91650102DEM0T01784/institution.yaml").write_text("a: [", "utf-8")
    code, out, _ = run_cli("validate", "--root", str(demo_copy), APP)
    assert code == 0 and "已检查 2 个文件" in out
    code, _, _ = run_cli("validate", "--root", str(demo_copy))
    assert code == 1


def test_path_outside_root_is_a_usage_error(run_cli, tmp_path: Path) -> None:
    code, _, err = run_cli("validate", "--root", str(EXAMPLES), str(tmp_path))
    assert code == 2 and "不在登记册根目录" in err


def test_missing_root_is_a_usage_error(run_cli, tmp_path: Path) -> None:
    code, _, err = run_cli("validate", "--root", str(tmp_path / "none"))
    assert code == 2 and "不存在" in err


def test_empty_folder_reports_layout(run_cli, tmp_path: Path) -> None:
    code, out, _ = run_cli("validate", "--root", str(tmp_path))
    assert code == 1 and "缺少 cycles/" in out


def test_symlink_and_oversized_attachment(demo_copy: Path, run_cli) -> None:
    att = demo_copy / APP / "2026/attachments"
    (att / "link.pdf").symlink_to("/etc/passwd")
    with (att / "written-report.pdf.age").open("r+b") as fh:  # the demo's scans are sealed
        fh.truncate(ATTACHMENT_MAX_BYTES + 1)
    code, out, _ = run_cli("validate", "--root", str(demo_copy), APP)
    assert code == 1
    assert "error[symlink]" in out and "error[attachment-size]" in out


def test_no_traceback_for_hostile_bytes(demo_copy: Path) -> None:
    for name, raw in {
        "institution.yaml": b"\x00\x01\x02" * 100,
        "2026/application.yaml": b"a: " + b"[" * 10_000,
        "2026/review.yaml": "subject: review\n".encode("utf-16"),
    }.items():
        (demo_copy / APP / name).write_bytes(raw)
    proc = subprocess.run(
        [sys.executable, "-m", "cebase", "validate", "--root", str(demo_copy), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        env={**os.environ, "CEBASE_DEBUG": ""},
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    by_path = {f["path"]: f["rule"] for f in json.loads(proc.stdout)["findings"]}
    assert by_path[f"{APP}/institution.yaml"] == "forbidden-char"
    assert by_path[f"{APP}/2026/application.yaml"] in ("yaml-too-deep", "yaml-syntax")
    assert by_path[f"{APP}/2026/review.yaml"] == "encoding"


FILLED_FROM = {
    "application": "submissions/12650104DEM0A0019H",
    "assessment": "submissions/91650102DEM0T01784",
}
BLANKS = (None, "", [], {}, False)


@pytest.mark.parametrize("kind", ["application", "assessment"])
def test_new_writes_a_template_that_validates_once_filled(
    tmp_path: Path, run_cli, kind: str
) -> None:
    root = tmp_path / "reg"
    shutil.copytree(EXAMPLES / "cycles", root / "cycles")
    (root / "submissions").mkdir()
    # a self-inspection comes from a certified base: an incumbent of the demo cycle
    uscc = BASE if kind == "assessment" else CODE
    code, out, _ = run_cli("new", kind, "--code", uscc, "--cycle", "2026", "--root", str(root))
    assert code == 0 and "已生成" in out
    folder = root / "submissions" / uscc
    target = folder / "2026" / f"{kind}.yaml"
    text = target.read_text("utf-8")
    ref = text.split("\n", 1)[0].removeprefix("# yaml-language-server: $schema=")
    assert (target.parent / ref).resolve() == schemas.schema_dir().resolve() / f"{kind}.schema.json"
    template = load_yaml_bytes("t.yaml", text.encode()).document
    assert template is not None, "the template must load with the strict loader"
    # every field of the schema is in the template, and only blanks are invalid
    assert set(template.data) == set(schema(kind)["properties"])
    for finding in schemas.validate(template, kind):
        parts = tuple(
            int(p) if p.isdigit() else p
            for p in finding.field.replace("[", ".").replace("]", "").split(".")
            if p
        )
        value = template.data
        for part in parts:
            value = (
                value[part]
                if isinstance(value, dict | list) and (isinstance(value, list) or part in value)
                else None
            )
        assert value in BLANKS or finding.rule == "schema-required", finding
    # a second run does not overwrite
    code, _, err = run_cli("new", kind, "--code", uscc, "--cycle", "2026", "--root", str(root))
    assert code == 1 and "已存在" in err
    # fill the template's fields with a demo submission's values: it validates
    demo = EXAMPLES / FILLED_FROM[kind]
    demo_data = load_yaml_bytes(
        "d.yaml", (demo / "2026" / f"{kind}.yaml").read_bytes()
    ).document.data
    filled = {k: demo_data[k] for k in template.data if k in demo_data}
    target.write_text(json.dumps(filled, ensure_ascii=False, indent=1), "utf-8")  # JSON is YAML
    for extra in (demo / "2026").iterdir():
        if extra.name not in (f"{kind}.yaml", "review.yaml"):
            dest = target.parent / extra.name
            shutil.rmtree(dest) if dest.is_dir() else None
            (shutil.copytree if extra.is_dir() else shutil.copy)(extra, dest)
    inst = (demo / "institution.yaml").read_text("utf-8").replace(demo.name, uscc)
    (folder / "institution.yaml").write_text(inst, "utf-8")
    code, out, _ = run_cli("validate", "--root", str(root))
    assert code == 0, out


def test_new_refuses_a_bad_code(run_cli, tmp_path: Path) -> None:
    code, _, err = run_cli(
        "new",
        "application",
        "--code",
        "12650102DEM0B0022X",
        "--cycle",
        "2026",
        "--root",
        str(tmp_path),
    )
    assert code == 2 and "校验码" in err


def test_progress_is_reported_on_long_runs(demo_copy: Path) -> None:
    from cebase.registry import scan
    from cebase.validate import validate

    calls: list[tuple[int, int]] = []
    result = validate(scan(demo_copy), progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1] == (result.files, result.files)


def test_hostile_file_names_are_refused_and_shown_escaped(demo_copy: Path, run_cli) -> None:
    att = os.fsencode(demo_copy / APP / "2026/attachments")
    for name in (b"bad\xff\xfename.pdf", b"line\nbreak::error.pdf", "\u202eevil.pdf".encode()):
        with open(att + b"/" + name, "wb") as fh:
            fh.write(b"%PDF-1.4\n")
    code, out, _ = run_cli("validate", "--root", str(demo_copy), APP)
    assert code == 1
    lines = [line for line in out.splitlines() if "file-name" in line]
    assert len(lines) == 3  # one line each: the newline in a name cannot split a finding
    assert any("bad\\xff\\xfename.pdf" in line for line in lines)
    assert any("line\\u000abreak" in line for line in lines)
    assert not any("\u202e" in line for line in lines)


def test_a_path_that_matches_nothing_is_an_error(demo_copy: Path, run_cli) -> None:
    code, out, _ = run_cli("validate", "--root", str(demo_copy), "submissions/12650104DEM0A0019X")
    assert code == 1
    assert "error[path-unmatched]" in out and "请核对路径拼写" in out
    code, out, _ = run_cli("validate", "--root", str(demo_copy), APP)
    assert code == 0, out


@pytest.mark.parametrize(
    "name",
    [".gitkeep", ".DS_Store", "\u200b12650104DEM0A0019H", "650102198001011234", "notes"],
)
def test_no_folder_is_skipped(demo_copy: Path, run_cli, name: str) -> None:
    """A folder the allowlist has no place for is reported with what to do, never skipped."""
    folder = demo_copy / "submissions" / name / "2026"
    folder.mkdir(parents=True)
    (folder / "application.yaml").write_text("a: [\n", "utf-8")
    code, out, _ = run_cli("validate", "--root", str(demo_copy))
    assert code == 1
    [line] = [x for x in out.splitlines() if x.startswith("submissions/") and "error[" in x]
    assert "650102198001011234" not in line and "\u200b" not in line
    assert "统一社会信用代码" in line or "不可见字符" in line or "身份证" in line


@pytest.mark.parametrize(
    "where", ["submissions/.DS_Store", f"{APP}/2026/.DS_Store", "cycles/.gitkeep"]
)
def test_stray_files_are_reported(demo_copy: Path, run_cli, where: str) -> None:
    path = (
        demo_copy / where
        if where.startswith(("cycles", "submissions"))
        else demo_copy / "submissions" / where
    )
    path.write_bytes(b"x")
    code, out, _ = run_cli("validate", "--root", str(demo_copy))
    assert code == 1 and "error[layout]" in out


def test_readmes_and_keep_files_are_allowed(demo_copy: Path, run_cli) -> None:
    (demo_copy / "submissions/README.md").write_text("说明\n", "utf-8")
    (demo_copy / "cycles/README.md").write_text("说明\n", "utf-8")
    (demo_copy / APP / "2026/attachments/.gitkeep").write_bytes(b"")
    code, out, _ = run_cli("validate", "--root", str(demo_copy))
    assert code == 0, out


def test_an_id_number_in_a_file_name_is_refused_and_never_shown(demo_copy: Path, run_cli) -> None:
    (demo_copy / APP / "2026/attachments/650102198001011234.pdf").write_bytes(b"%PDF-1.4\n")
    code, out, _ = run_cli("validate", "--root", str(demo_copy), APP)
    assert code == 1 and "error[personal-id]" in out
    assert "650102198001011234" not in out
