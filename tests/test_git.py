"""``cebase.git``: plumbing read as bytes, and the site's last-changed dates."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cebase import git

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run(repo: Path, *args: str, date: str = "2025-11-01T10:00:00+08:00") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.cn",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.cn",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
    }
    return subprocess.run(
        ["git", "-C", str(repo), *args], env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    top = tmp_path / "repo"
    shutil.copytree(EXAMPLES, top / "examples")
    run(top, "init", "-q", "-b", "main")
    run(top, "add", "-A")
    run(top, "commit", "-q", "-m", "demo")
    first = sorted((top / "examples" / "submissions").iterdir())[0]
    (first / "institution.yaml").write_text(
        (first / "institution.yaml").read_text("utf-8") + "# later\n", "utf-8"
    )
    run(top, "commit", "-q", "-am", "later", date="2025-12-03T23:30:00+08:00")
    return top


def test_last_changed_gives_the_sites_dates(repo: Path) -> None:
    root = repo / "examples"
    dates = git.last_changed(root)
    first = sorted(p.name for p in (root / "submissions").iterdir() if p.is_dir())[0]
    assert set(dates) == {p.name for p in (root / "submissions").iterdir() if p.is_dir()}
    assert dates[first] == "2025-12-03"  # committed 23:30 Beijing time: the committer's date
    assert {d for u, d in dates.items() if u != first} == {"2025-11-01"}


def test_last_changed_outside_git_is_empty(tmp_path: Path) -> None:
    assert git.last_changed(tmp_path) == {}


def test_open_repo_gives_the_prefix(repo: Path) -> None:
    found, prefix = git.open_repo(repo / "examples")
    assert (found.top.resolve(), prefix) == (repo.resolve(), "examples/")


def test_diff_and_trees_are_bytes(repo: Path) -> None:
    r, _ = git.open_repo(repo)
    odd = repo / "examples" / "submissions" / "caf\u00e9\nx.txt"
    odd.write_bytes(b"hello")
    run(repo, "add", "-A")
    run(repo, "commit", "-q", "-m", "odd name")
    changes = r.diff(r.tree_of(r.commit("HEAD~1")), r.tree_of(r.commit("HEAD")))
    assert [(c.path, c.status) for c in changes] == [
        ("examples/submissions/caf\u00e9\nx.txt".encode(), "A")
    ]
    assert r.sizes([changes[0].oid]) == {changes[0].oid: 5}
    assert r.blobs([changes[0].oid]) == {changes[0].oid: b"hello"}


def test_a_bad_revision_is_a_git_error(repo: Path) -> None:
    r, _ = git.open_repo(repo)
    with pytest.raises(git.GitError):
        r.commit("no-such-branch")
    with pytest.raises(git.GitError):
        r.commit("--output=/tmp/x")
