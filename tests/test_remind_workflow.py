"""The remind workflow: hardened, fed by no pull request, and idempotent when run.

Static checks read ``.github/workflows/remind.yml``; the behaviour test runs its
script against a copy of the demo with a stand-in ``gh`` that keeps issues in a
JSON file, and a stand-in ``date`` that fixes the day.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .test_workflows import (
    PINNED_USES,
    USES_LINE,
    VERSION_COMMENT,
    WORKFLOWS,
    find_zizmor,
    load,
    steps,
)

PATH = WORKFLOWS / "remind.yml"
STEP = "Update the tracking issue of each cycle"
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}")
# Every expression the workflow may use: none carries data from a pull request or an input.
ALLOWED_EXPRESSIONS = {"github.token", "github.repository"}
DEFAULT_BRANCH_ONLY = (
    "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)"
)


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return load(PATH)


def test_triggers_are_the_schedule_and_a_manual_run_without_inputs(workflow) -> None:
    assert set(workflow["on"]) == {"schedule", "workflow_dispatch"}
    assert not workflow["on"]["workflow_dispatch"]  # no inputs
    (cron,) = (entry["cron"] for entry in workflow["on"]["schedule"])
    minute, hour, *rest = cron.split()
    assert rest == ["*", "*", "*"], "daily"
    assert 7 <= (int(hour) + 8) % 24 <= 9 and 0 <= int(minute) < 60, "Beijing morning"


def test_permissions_are_granted_to_the_one_job_that_needs_them(workflow) -> None:
    assert workflow["permissions"] == {}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "read", "issues": "write"}


def test_actions_are_pinned_by_sha_with_their_version(workflow) -> None:
    lines = [USES_LINE.match(line) for line in PATH.read_text("utf-8").splitlines()]
    uses = [m for m in lines if m]
    assert len(uses) == sum("uses" in step for _, step in steps(workflow)) >= 2
    for m in uses:
        assert PINNED_USES.match(m["ref"]) and VERSION_COMMENT.search(m["rest"]), m.group()


def test_timeout_concurrency_and_no_persisted_credentials(workflow) -> None:
    (job,) = workflow["jobs"].values()
    assert 0 < job["timeout-minutes"] <= 30
    assert workflow["concurrency"] == {"group": "remind", "cancel-in-progress": False}
    checkouts = [
        s for _, s in steps(workflow) if str(s.get("uses", "")).startswith("actions/checkout@")
    ]
    assert len(checkouts) == 1
    assert checkouts[0]["with"] == {"persist-credentials": False}  # no ref: the triggering branch


def test_no_pull_request_data_or_input_reaches_the_job(workflow) -> None:
    text = PATH.read_text("utf-8")
    assert "pull_request" not in text and "inputs" not in text and "head_ref" not in text
    assert {e.strip() for e in EXPRESSION.findall(text)} == ALLOWED_EXPRESSIONS
    (job,) = workflow["jobs"].values()
    # a manual run on another branch would run that branch's code: only the default branch runs
    assert job["if"] == DEFAULT_BRANCH_ONLY
    for _, step in steps(workflow):
        assert "${{" not in step.get("run", "")
    (step,) = [s for _, s in steps(workflow) if s.get("name") == STEP]
    # the issue's record in, the list out; the token is not in cebase's environment
    assert 'env -u GH_TOKEN cebase remind --cycle "$cycle" --now "$today"' in step["run"]
    assert "TZ=Asia/Shanghai date +%F" in step["run"]


def test_zizmor_finds_nothing() -> None:
    exe = find_zizmor()
    if exe is None:
        pytest.skip("zizmor is not installed (pip install zizmor); required in CI")
    proc = subprocess.run(
        [exe, "--offline", "--persona", "pedantic", "--format", "json", str(PATH)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert json.loads(proc.stdout or "null") == [], proc.stdout
    assert proc.returncode == 0, proc.stderr


# ---------------------------------------------------------------- the script, run

FAKE_GH = r'''#!PYTHON
"""A stand-in for the gh CLI: issues in a JSON file, every call logged."""
import json, os, sys
state_path = os.environ["FAKE_GH_STATE"]
state = json.load(open(state_path, encoding="utf-8"))
args = sys.argv[1:]
state["calls"].append(args)
def opt(name):
    return args[args.index(name) + 1]
def body():
    return open(opt("--body-file"), encoding="utf-8").read()
def issue():
    return state["issues"][int(args[2]) - 1]
out = ""
if args[:2] == ["label", "create"]:
    state["labels"].append(args[2])
elif args[:2] == ["issue", "list"]:
    label = opt("--label")
    out = json.dumps([{k: i[k] for k in ("number", "title", "state")}
                      for i in state["issues"] if label in i["labels"]])
elif args[:2] == ["issue", "view"]:
    out = issue()["body"] + "\n"
elif args[:2] == ["issue", "create"]:
    n = len(state["issues"]) + 1
    state["issues"].append({"number": n, "title": opt("--title"), "state": "OPEN",
                            "labels": [opt("--label")], "body": body(), "comments": []})
    out = f"https://github.com/example/registry/issues/{n}\n"
elif args[:2] == ["issue", "edit"]:
    issue()["body"] = body()
elif args[:2] == ["issue", "close"]:
    issue()["state"] = "CLOSED"
elif args[:2] == ["issue", "reopen"]:
    issue()["state"] = "OPEN"
elif args[:2] == ["issue", "comment"]:
    issue()["comments"].append(body())
else:
    sys.exit(f"fake gh: unexpected {args}")
json.dump(state, open(state_path, "w", encoding="utf-8"), ensure_ascii=False)
sys.stdout.write(out)
'''

FAKE_DATE = """#!/bin/sh
# the day of the run, in place of the runner's clock
if [ "$1" = "+%F" ]; then echo "$FAKE_TODAY"; else exec /bin/date "$@"; fi
"""


class Runner:
    def __init__(self, root: Path, tmp: Path, workflow: dict[str, Any]) -> None:
        (step,) = [s for _, s in steps(workflow) if s.get("name") == STEP]
        self.root, self.script = root, tmp / "step.sh"
        self.script.write_text(step["run"], encoding="utf-8")
        self.state = tmp / "gh.json"
        self.state.write_text(json.dumps({"calls": [], "labels": [], "issues": []}), "utf-8")
        self.summary = tmp / "summary.md"
        fake = tmp / "bin"
        fake.mkdir()
        for name, text in (("gh", FAKE_GH.replace("PYTHON", sys.executable)), ("date", FAKE_DATE)):
            (fake / name).write_text(text, encoding="utf-8")
            (fake / name).chmod(0o755)
        self.path = os.pathsep.join(
            [str(fake), str(Path(sys.executable).parent), "/usr/bin", "/bin"]
        )

    def __call__(self, day: str) -> dict[str, Any]:
        env = {
            "PATH": self.path,
            "FAKE_GH_STATE": str(self.state),
            "FAKE_TODAY": day,
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "GH_TOKEN": "not-a-token",
            "GH_REPO": "example/registry",
            "HOME": str(self.root),
        }
        # GitHub runs `run:` as `bash --noprofile --norc -eo pipefail {0}`
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(self.script)],
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        return json.loads(self.state.read_text("utf-8"))


def mentioned(comment: str) -> set[str]:
    return set(re.findall(r"@([A-Za-z0-9-]+)", comment))


@pytest.mark.slow
def test_the_tracking_issue_over_the_notice_window(
    demo_copy: Path, tmp_path: Path, workflow
) -> None:
    run = Runner(demo_copy, tmp_path, workflow)
    state = run("2025-11-04")
    (issue,) = state["issues"]
    assert issue["title"] == "继续教育基地待办提醒（2026 年度）" and issue["state"] == "OPEN"
    assert "<!-- cebase-remind z:" in issue["body"] and "@" not in issue["body"]
    (first,) = issue["comments"]
    assert mentioned(first) and run.summary.read_text("utf-8") == issue["body"]

    state = run("2025-11-04")  # the same day again: the body is kept, nobody is mentioned
    assert state["issues"][0]["comments"] == [first]
    assert state["issues"][0]["body"] == issue["body"]

    state = run("2025-11-05")  # two working days left: no milestone
    assert len(state["issues"][0]["comments"]) == 1

    state = run("2025-11-06")  # one working day left before 2025-11-07
    assert len(state["issues"][0]["comments"]) == 2
    second = state["issues"][0]["comments"][1]
    assert mentioned(second) and mentioned(second) <= mentioned(first)
    assert "还剩 1 个工作日" in second

    state = run("2025-11-01")  # a day with nothing due: the issue is closed
    assert state["issues"][0]["state"] == "CLOSED"
    assert "本议题将自动关闭" in state["issues"][0]["body"]

    state = run("2025-11-06")  # due again: reopened, and still no one mentioned twice
    assert state["issues"][0]["state"] == "OPEN" and len(state["issues"]) == 1
    assert len(state["issues"][0]["comments"]) == 2
    edits = [c for c in state["calls"] if c[:2] == ["issue", "create"]]
    assert len(edits) == 1
