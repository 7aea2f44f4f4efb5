"""Static checks of .github/: workflow hardening, CODEOWNERS, PR templates, issue forms.

The workflows are the registry's security boundary (an institution's pull request runs
in them), so the properties the design relies on are asserted here, not just reviewed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
GITHUB = ROOT / ".github"
WORKFLOWS = GITHUB / "workflows"
WORKFLOW_FILES = sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])

PR_TEMPLATES = (
    "new-application.md",
    "self-inspection.md",
    "review.md",
    "rules-catalogue.md",
)
ISSUE_FORMS = ("question.yml", "objection.yml")

PINNED_USES = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<rest>.*)$")
VERSION_COMMENT = re.compile(r"#\s*v\d+(?:\.\d+){0,2}\b")
WRITE_PERMISSION = "write"


def load(path: Path) -> Any:
    with path.open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    # YAML 1.1 reads the bare key `on` as True; give workflows their key back.
    if isinstance(data, dict) and True in data:
        data["on"] = data.pop(True)
    return data


def steps(workflow: dict[str, Any]):
    """Yield (job_id, step) for every step of every job."""
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


def ids(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


# --- zizmor -------------------------------------------------------------------------


def find_zizmor() -> str | None:
    beside = Path(sys.executable).parent / ("zizmor.exe" if os.name == "nt" else "zizmor")
    if beside.is_file():
        return str(beside)
    return shutil.which("zizmor")


def test_zizmor_reports_nothing() -> None:
    exe = find_zizmor()
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("zizmor is not installed; CI must run it (pip install zizmor)")
        pytest.skip("zizmor is not installed (pip install zizmor); required in CI")
    proc = subprocess.run(
        [exe, "--offline", "--format", "json", str(WORKFLOWS)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    # zizmor exits non-zero when it has findings; an empty JSON list is the contract.
    try:
        findings = json.loads(proc.stdout or "null")
    except json.JSONDecodeError:
        pytest.fail(f"zizmor did not print JSON (exit {proc.returncode}):\n{proc.stderr}")
    assert findings == [], json.dumps(findings, ensure_ascii=False, indent=2)
    assert proc.returncode == 0, proc.stderr


# --- every workflow -----------------------------------------------------------------


def test_the_three_workflows_exist() -> None:
    assert {p.name for p in WORKFLOW_FILES} >= {"validate.yml", "comment.yml", "publish.yml"}


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=ids(WORKFLOW_FILES))
def test_top_level_permissions_are_empty(path: Path) -> None:
    assert load(path).get("permissions") == {}, f"{path.name}: set `permissions: {{}}`"


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=ids(WORKFLOW_FILES))
def test_every_job_declares_its_permissions(path: Path) -> None:
    for job_id, job in load(path)["jobs"].items():
        assert "permissions" in job, f"{path.name}: job {job_id!r} has no `permissions:`"
        assert isinstance(job["permissions"], dict), (
            f"{path.name}: job {job_id!r} must list permissions, not {job['permissions']!r}"
        )


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=ids(WORKFLOW_FILES))
def test_every_action_is_pinned_by_sha_with_a_version_comment(path: Path) -> None:
    seen = 0
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = USES_LINE.match(line)
        if not m:
            continue
        seen += 1
        ref = m["ref"].strip("'\"")
        assert PINNED_USES.match(ref), f"{path.name}:{lineno}: not pinned by commit SHA: {ref}"
        assert VERSION_COMMENT.search(m["rest"]), (
            f"{path.name}:{lineno}: add the release as a comment, e.g. `# v1.2.3`"
        )
    # Every `uses:` the parser sees was also checked line by line above.
    parsed = sum(1 for _, step in steps(load(path)) if "uses" in step)
    assert seen == parsed


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=ids(WORKFLOW_FILES))
def test_no_expressions_inside_run(path: Path) -> None:
    for job_id, step in steps(load(path)):
        run = step.get("run")
        if run is not None:
            assert "${{" not in run, (
                f"{path.name}: job {job_id!r}, step {step.get('name')!r}: pass values "
                "through `env:` instead of `${{ }}` inside `run:`"
            )


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=ids(WORKFLOW_FILES))
def test_checkout_never_persists_credentials(path: Path) -> None:
    for job_id, step in steps(load(path)):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert (step.get("with") or {}).get("persist-credentials") is False, (
                f"{path.name}: job {job_id!r}: checkout needs `persist-credentials: false`"
            )


# --- validate.yml -------------------------------------------------------------------


def test_validate_has_no_secrets_and_no_write_permissions() -> None:
    path = WORKFLOWS / "validate.yml"
    assert "secrets." not in path.read_text(encoding="utf-8")
    workflow = load(path)
    assert set(workflow["on"]) == {"pull_request"}
    for job_id, job in workflow["jobs"].items():
        for scope, level in job["permissions"].items():
            assert level != WRITE_PERMISSION, f"validate.yml: job {job_id!r} has {scope}: write"


def test_validate_trust_comes_only_from_author_association() -> None:
    text = (WORKFLOWS / "validate.yml").read_text(encoding="utf-8")
    assert "github.event.pull_request.author_association" in text
    assert "OWNER|MEMBER)" in text


# --- comment.yml --------------------------------------------------------------------


def test_comment_never_checks_out() -> None:
    workflow = load(WORKFLOWS / "comment.yml")
    for job_id, step in steps(workflow):
        assert not str(step.get("uses", "")).startswith("actions/checkout@"), (
            f"comment.yml: job {job_id!r} must not check out code"
        )
        assert "git clone" not in str(step.get("run", ""))


def test_comment_runs_after_validate_with_minimal_permissions() -> None:
    workflow = load(WORKFLOWS / "comment.yml")
    assert workflow["on"]["workflow_run"]["workflows"] == ["validate"]
    assert load(WORKFLOWS / "validate.yml")["name"] == "validate"
    for job in workflow["jobs"].values():
        assert set(job["permissions"]) <= {"actions", "pull-requests"}


# --- publish.yml --------------------------------------------------------------------


def test_publish_deploys_only_from_main_with_pages_permissions() -> None:
    workflow = load(WORKFLOWS / "publish.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert workflow["jobs"]["build"]["permissions"] == {"contents": "read"}
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


# --- CODEOWNERS, PR templates, issue forms -------------------------------------------


def test_codeowners_covers_everything() -> None:
    rules = [
        line.split()
        for line in (GITHUB / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    catch_all = [r for r in rules if r[0] == "*"]
    assert catch_all, "CODEOWNERS needs a `*` rule"
    assert len(catch_all[0]) > 1 and all(o.startswith("@") for o in catch_all[0][1:])
    # Later rules override earlier ones: none may leave a path without an owner.
    assert all(len(r) > 1 for r in rules), "every CODEOWNERS rule must name an owner"


@pytest.mark.parametrize("name", PR_TEMPLATES)
def test_pr_template_exists_with_a_checklist(name: str) -> None:
    text = (GITHUB / "PULL_REQUEST_TEMPLATE" / name).read_text(encoding="utf-8")
    assert "- [ ]" in text, f"{name}: needs a checklist"


def test_default_pr_template_points_to_each_template() -> None:
    text = (GITHUB / "pull_request_template.md").read_text(encoding="utf-8")
    for name in PR_TEMPLATES:
        assert f"template={name}" in text


@pytest.mark.parametrize("name", ISSUE_FORMS)
def test_issue_form_parses_and_has_a_body(name: str) -> None:
    form = load(GITHUB / "ISSUE_TEMPLATE" / name)
    assert isinstance(form, dict)
    assert form.get("name") and form.get("description")
    assert isinstance(form.get("body"), list) and form["body"]
    for element in form["body"]:
        assert element["type"] in {"markdown", "input", "textarea", "dropdown", "checkboxes"}
        if element["type"] != "markdown":
            assert element.get("id") and element["attributes"].get("label")


def test_objection_form_warns_about_personal_data_and_gives_the_phone() -> None:
    text = (GITHUB / "ISSUE_TEMPLATE" / "objection.yml").read_text(encoding="utf-8")
    assert "身份证" in text
    assert "0991-4656129" in text


def test_issue_config_disables_blank_issues() -> None:
    config = load(GITHUB / "ISSUE_TEMPLATE" / "config.yml")
    assert config["blank_issues_enabled"] is False
    assert config["contact_links"]
