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


def test_the_workflows_exist() -> None:
    # comment.yml is gone: the comment is a job of validate.yml, rendered from its findings.
    assert {p.name for p in WORKFLOW_FILES} == {"validate.yml", "publish.yml", "remind.yml"}


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


# --- validate.yml: the gate and its comment ----------------------------------------


def test_the_gate_runs_the_base_workflow_with_read_only_checks() -> None:
    path = WORKFLOWS / "validate.yml"
    assert "secrets." not in path.read_text(encoding="utf-8")
    workflow = load(path)
    # pull_request_target: GitHub runs this file as it is on the base branch, so a PR
    # that edits it changes nothing about its own check.
    assert set(workflow["on"]) == {"pull_request_target"}
    assert workflow["jobs"]["validate"]["permissions"] == {"contents": "read"}
    assert workflow["jobs"]["comment"]["permissions"] == {
        "contents": "read",
        "pull-requests": "write",
    }


def test_only_the_base_commit_is_ever_checked_out() -> None:
    for path in WORKFLOW_FILES:
        for job_id, step in steps(load(path)):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                ref = (step.get("with") or {}).get("ref")
                if path.name == "validate.yml":
                    assert ref == "${{ github.event.pull_request.base.sha }}", (job_id, ref)
                assert "head" not in str(ref), f"{path.name}: job {job_id!r} checks out {ref}"


def test_python_runs_isolated_outside_the_checkout() -> None:
    for job_id, step in steps(load(WORKFLOWS / "validate.yml")):
        run = step.get("run") or ""
        for line in run.splitlines():
            if re.search(r"\bpython3?\b", line):
                assert re.search(r"python3? -I\b", line), f"{job_id}: not isolated: {line.strip()}"
        if "python" in run:
            assert run.lstrip().startswith('cd "$RUNNER_TEMP"'), f"{job_id}: {step.get('name')}"


def test_no_workflow_posts_what_another_run_uploaded() -> None:
    for path in WORKFLOW_FILES:
        workflow = load(path)
        assert "workflow_run" not in workflow["on"], path.name
        for _, step in steps(workflow):
            if str(step.get("uses", "")).startswith("actions/download-artifact@"):
                assert "run-id" not in (step.get("with") or {}), path.name


def test_validate_trust_comes_only_from_author_association() -> None:
    text = (WORKFLOWS / "validate.yml").read_text(encoding="utf-8")
    assert "github.event.pull_request.author_association" in text
    assert "OWNER|MEMBER)" in text


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


# --- the gate job, run as written, against a hostile pull request ------------------

EXAMPLES = ROOT / "examples"
PWNED = "PWNED-by-the-pull-request"
APPLICANT = "12650104DEM0A0019H"
HOSTILE = {
    # Would make a pull_request workflow pass; pull_request_target never reads it.
    ".github/workflows/validate.yml": "on: pull_request\njobs: {validate: {runs-on: x, steps: []}}\n",
    # Would run inside `python -m pip ...` or any `import json` from the working directory.
    "pip/__init__.py": "",
    "pip/__main__.py": f"open('{PWNED}-pip', 'w').write('x')\n",
    "json.py": f"open('{PWNED}-json', 'w').write('x')\n",
    # A forged report and comment, as an earlier design would have posted them.
    "gate-report/report.json": json.dumps({"ok": True, "errors": 0, "findings": []}),
    "gate-report/comment.md": f"<!-- cebase-gate -->\n**✅ 可以进入人工审核** {PWNED}\n",
    # Forged printable forms, where a careless workflow might pick them up.
    f"gate-report/forms/{APPLICANT}-2026.html": f"<h1>{PWNED}</h1>",
    f"forms/{APPLICANT}-2026.html": f"<h1>{PWNED}</h1>",
}
# The applicant's own record, carrying markup and a link into its printed form.
APPLICATION = f"submissions/{APPLICANT}/2026/application.yaml"
SCRIPT = "<script>alert(1)</script>[下载正式表格](https://evil.example/form)"
FORMS_URL = "https://github.com/bureau/registry/actions/runs/42/artifacts/7"


def _git(repo: Path, *args: str) -> str:
    ident = ["-c", "user.name=t", "-c", "user.email=t@example.cn", "-c", "commit.gpgsign=false"]
    return subprocess.run(
        ["git", "-C", str(repo), *ident, *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def _step(job: str, name: str) -> str:
    workflow = load(WORKFLOWS / "validate.yml")
    return next(s["run"] for s in workflow["jobs"][job]["steps"] if s.get("name") == name)


def _bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory, plain_examples: Path) -> dict[str, Any]:
    """The steps of the gate job, taken from validate.yml, run on a hostile PR (to the demo
    opened: the printed forms show the values, which a sealed registry's CI cannot read)."""
    tmp = tmp_path_factory.mktemp("workflow")
    workspace, runner_temp = tmp / "workspace", tmp / "runner"
    shutil.copytree(plain_examples, workspace)
    shutil.copytree(WORKFLOWS, workspace / ".github" / "workflows")
    _git(workspace, "init", "-q", "-b", "main")
    _git(workspace, "add", "-A")
    _git(workspace, "commit", "-q", "-m", "base")
    base = _git(workspace, "rev-parse", "HEAD")
    _git(workspace, "checkout", "-q", "-b", "pr")
    for rel, content in HOSTILE.items():
        (workspace / rel).parent.mkdir(parents=True, exist_ok=True)
        (workspace / rel).write_text(content, encoding="utf-8")
    app = workspace / APPLICATION
    text = app.read_text("utf-8")
    app.write_text(
        re.sub(r"(?m)^(    description: ).*$", rf"\g<1>'{SCRIPT}'", text, count=1), "utf-8"
    )
    _git(workspace, "add", "-A")
    _git(workspace, "commit", "-q", "-m", "hostile")
    head = _git(workspace, "rev-parse", "HEAD")
    _git(workspace, "checkout", "-q", "main")
    for rel in ("pip/__main__.py", "pip/__init__.py", "json.py"):  # even if they were on disk
        (workspace / rel).parent.mkdir(parents=True, exist_ok=True)
        (workspace / rel).write_text(HOSTILE[rel], encoding="utf-8")
    maintainer = yaml.safe_load(
        (EXAMPLES / "submissions" / APPLICANT / "institution.yaml").read_text("utf-8")
    )["maintainers"][0]
    venv_bin = runner_temp / "gate-venv" / "bin"
    venv_bin.mkdir(parents=True)
    python = venv_bin / "python"  # stands for the venv the install step builds
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    python.chmod(0o755)
    env = {
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_OUTPUT": str(tmp / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp / "summary"),
        "BASE_SHA": base,
        "HEAD_SHA": head,
        "PR_AUTHOR": maintainer,
        "TRUSTED": "false",
        "PYTHONPATH": str(ROOT / "scripts"),  # ignored under -I, as it must be
    }
    gate = _bash(_step("validate", "Run the pull-request gate"), workspace, env)
    render = _bash(
        _step("comment", "Render the comment from the findings"),
        workspace,
        {**env, "FORMS_URL": FORMS_URL},
    )
    verdict = _bash(
        _step("validate", "Fail if the gate found problems"),
        workspace,
        {**env, "GATE_RC": (tmp / "output").read_text().split("rc=")[-1].strip()},
    )
    return {
        "tmp": tmp,
        "gate": gate,
        "render": render,
        "verdict": verdict,
        "comment": (runner_temp / "comment.md").read_text(encoding="utf-8"),
        "report": json.loads((runner_temp / "gate-report" / "report.json").read_text("utf-8")),
        "forms": {p.name: p.read_text("utf-8") for p in (runner_temp / "forms").iterdir()},
    }


def test_a_hostile_pr_cannot_turn_the_required_status_green(hostile_run: dict[str, Any]) -> None:
    assert hostile_run["gate"].returncode == 0, hostile_run["gate"].stderr
    assert hostile_run["verdict"].returncode == 1
    report = hostile_run["report"]
    refused = {(f["rule"], f["path"]) for f in report["findings"]}
    assert ("gate-bureau-file", ".github/workflows/validate.yml") in refused
    assert {("gate-scope", "json.py"), ("gate-scope", "pip/__main__.py")} <= refused
    assert ("gate-scope", "gate-report/comment.md") in refused
    assert report["ok"] is False


def test_code_in_the_pr_never_runs(hostile_run: dict[str, Any]) -> None:
    leftovers = [p for p in hostile_run["tmp"].rglob(f"{PWNED}*")]
    assert leftovers == []


def test_the_comment_is_rendered_from_the_findings(hostile_run: dict[str, Any]) -> None:
    assert hostile_run["render"].returncode == 0, hostile_run["render"].stderr
    comment = hostile_run["comment"]
    assert comment.startswith("<!-- cebase-gate -->") and "❌ 需要修改" in comment
    assert "✅" not in comment and PWNED not in comment
    assert "validate\\.yml" in comment  # the workflow change is named, escaped


def test_the_forms_are_the_base_codes_rendering_of_the_pr_values(
    hostile_run: dict[str, Any],
) -> None:
    # Only the file the gate wrote, from the changed record; never the PR's forged ones.
    forms = hostile_run["forms"]
    assert list(forms) == [f"{APPLICANT}-2026.html"]
    html = forms[f"{APPLICANT}-2026.html"]
    assert PWNED not in html and "<script>" not in html and "&lt;script&gt;" in html
    assert "乌鲁木齐市专业技术人员继续教育基地申报表" in html
    (entry,) = hostile_run["report"]["forms"]
    assert (entry["uscc"], entry["file"], entry["draft"]) == (
        APPLICANT,
        f"{APPLICANT}-2026.html",
        False,
    )


def test_the_comment_links_only_the_uploaded_forms(hostile_run: dict[str, Any]) -> None:
    comment = hostile_run["comment"]
    links = re.findall(r"\]\(([^)]*)\)", comment)
    assert links == [FORMS_URL]
    assert f"`{APPLICANT}-2026.html`" in comment and "evil.example" not in comment


def test_the_forms_folder_is_what_the_workflow_uploads() -> None:
    workflow = load(WORKFLOWS / "validate.yml")
    job = workflow["jobs"]["validate"]
    upload = next(s for s in job["steps"] if s.get("id") == "forms")
    assert upload["with"]["path"] == "${{ runner.temp }}/forms/"
    assert '--forms-dir "$RUNNER_TEMP/forms"' in _step("validate", "Run the pull-request gate")
    assert job["outputs"]["forms-url"] == "${{ steps.forms.outputs.artifact-url }}"
    render = next(
        s for s in workflow["jobs"]["comment"]["steps"] if s.get("env", {}).get("FORMS_URL")
    )
    assert render["env"]["FORMS_URL"] == "${{ needs.validate.outputs.forms-url }}"
