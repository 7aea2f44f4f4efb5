"""The attacks of issue 15, each as a pull request in a temporary Git repository, each refused.

``main`` holds the demo registry (less one incumbent's folder, to be squatted). A
pull request is a commit built with Git's plumbing, so names Git accepts but a
file system or a decoder would not (non-UTF-8 bytes, newlines, ``..``, paths
over 4,096 bytes) reach the gate exactly as an attacker would push them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cebase.cli import main

SQUATTED = "12650121DEM0N01324"  # an incumbent in cycles/2026/cycle.yaml, its folder held back
OWN = "91650107DEM0Q0155H"  # the attacker's own institution
ATTACKER = "demo-dbc-wind-admin"  # its maintainer
OTHER = "12650109DEM0H0084P"  # a victim
OTHER_NAME = "乌鲁木齐昆仑工程职业学院（示例）"
REVIEWED = "submissions/12650102DEM0B0022P/2026/review.yaml"
NOW = "2025-12-01"  # after the 2026 deadline

pytestmark = pytest.mark.slow


def git(repo: Path, *args: str | bytes, stdin: bytes | None = None) -> bytes:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.cn",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.cn",
        "GIT_AUTHOR_DATE": "2025-11-01T00:00:00+08:00",
        "GIT_COMMITTER_DATE": "2025-11-01T00:00:00+08:00",
    }
    return subprocess.run(
        ["git", "-C", str(repo), *args], input=stdin, env=env, check=True, capture_output=True
    ).stdout


def blob(repo: Path, data: bytes) -> str:
    return git(repo, "hash-object", "-w", "--stdin", stdin=data).decode().strip()


def commit(
    repo: Path, parents: list[str], files: dict[bytes, bytes | None], *, mode: str = "100644"
) -> str:
    """A commit on top of ``parents[0]``'s tree with ``files`` set (None deletes), by plumbing."""
    index = repo / ".git" / "attack-index"
    env_index = {"GIT_INDEX_FILE": str(index)}
    os.environ.update(env_index)
    try:
        git(repo, "read-tree", parents[0])
        lines = b""
        for path, data in files.items():
            if data is None:
                lines += b"0 " + b"0" * 40 + b"\t" + path + b"\0"
            else:
                lines += f"{mode} {blob(repo, data)}".encode() + b"\t" + path + b"\0"
        git(repo, "update-index", "-z", "--index-info", stdin=lines)
        tree = git(repo, "write-tree").decode().strip()
    finally:
        for key in env_index:
            os.environ.pop(key, None)
        index.unlink(missing_ok=True)
    args: list[str] = []
    for p in parents:
        args += ["-p", p]
    return git(repo, "commit-tree", tree, *args, "-m", "pr").decode().strip()


def text(repo: Path, rev: str, path: str) -> bytes:
    return git(repo, "show", f"{rev}:{path}")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory, plain_examples: Path) -> Path:
    """The demo opened (a plain registry): the attacks are on the gate, not on sealing."""
    root = tmp_path_factory.mktemp("attacks") / "registry"
    shutil.copytree(plain_examples, root)
    shutil.rmtree(root / "submissions" / SQUATTED)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.cn", "commit", "-q", "-m", "base")
    return root


def main_sha(repo: Path) -> str:
    return git(repo, "rev-parse", "main").decode().strip()


def check(repo: Path, head: str, author: str, capsys, *extra: str) -> tuple[int, list[dict]]:
    argv = ["check-pr", "--root", str(repo), "--base", "main", "--head", head]
    code = main([*argv, "--author", author, "--now", NOW, "--format", "json", *extra])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    return code, json.loads(out)["findings"]


def rules(findings: list[dict]) -> set[str]:
    return {f["rule"] for f in findings if f["severity"] == "error"}


def hostile_payload(repo: Path) -> dict[bytes, bytes | None]:
    """What the blinded gate let through: another's maintainers, a review, an extension, a workflow."""
    base = main_sha(repo)
    inst = text(repo, base, f"submissions/{OTHER}/institution.yaml")
    cycle = text(repo, base, "cycles/2026/cycle.yaml")
    return {
        f"submissions/{OTHER}/institution.yaml".encode(): inst + b"\n# maintainers: [attacker]\n",
        REVIEWED.encode(): text(repo, base, REVIEWED) + b"\n# rewritten\n",
        b"cycles/2026/cycle.yaml": cycle + b"\n# extension for the attacker\n",
        b".github/workflows/validate.yml": b"on: pull_request\n",
        f"submissions/{OWN}/2026/assessment.yaml".encode(): b"cycle: '2026'\n",
    }


BLINDING = {
    "malformed-gitmodules": {b".gitmodules": b'[submodule "x"]\n\turl = ../evil\n'},
    "gitmodules-garbage": {b".gitmodules": b"[submodule\n\x00\xff not an ini file"},
    "non-utf8-name": {
        f"submissions/{OWN}/2026/attachments/\xff\xfe.pdf".encode("latin-1"): b"%PDF"
    },
    "newline-colon-name": {b"submissions/.gitkeep/x\n:y.pdf": b"%PDF-1.4\n"},
}


@pytest.mark.parametrize("name", sorted(BLINDING))
def test_the_gate_cannot_be_blinded(repo: Path, name: str, capsys) -> None:
    head = commit(repo, [main_sha(repo)], {**hostile_payload(repo), **BLINDING[name]})
    code, findings = check(repo, head, ATTACKER, capsys)
    assert code == 1
    found = rules(findings)
    assert {"gate-bureau-file", "gate-review-file", "gate-maintainer"} <= found, found
    assert "gate-deadline" in found  # the attacker's own late self-inspection
    paths = {f["path"] for f in findings}
    assert {"cycles/2026/cycle.yaml", ".github/workflows/validate.yml", REVIEWED} <= paths
    if "name" in name:
        assert "gate-path" in found or "gate-layout" in found


def test_a_non_utf8_name_is_named_in_the_finding(repo: Path, capsys) -> None:
    path = f"submissions/{OWN}/2026/attachments/scan\xff.pdf".encode("latin-1")
    head = commit(repo, [main_sha(repo)], {path: b"%PDF-1.4\n"})
    _, findings = check(repo, head, ATTACKER, capsys)
    bad = [f for f in findings if f["rule"] == "gate-path"]
    assert len(bad) == 1 and "scan\\xff.pdf" in bad[0]["path"] and "UTF-8" in bad[0]["message"]


@pytest.mark.parametrize(
    ("folder", "rule"),
    [
        ("9165010\u200b7DEM0Q0155H", "gate-path"),
        ("650102198001011234", "personal-id"),
        (".gitkeep", "gate-layout"),
        (".DS_Store", "gate-layout"),
    ],
)
def test_folders_the_scanner_would_skip_are_refused(repo: Path, folder: str, rule: str, capsys):
    files = {
        f"submissions/{folder}/institution.yaml".encode(): b"name: [unclosed\n",
        f"submissions/{folder}/2026/attachments/big.pdf".encode(): b"%PDF-" + b"0" * 64,
    }
    head = commit(repo, [main_sha(repo)], files)
    code, findings = check(repo, head, "anyone", capsys)
    assert code == 1 and rule in rules(findings)
    assert "650102198001011234" not in json.dumps(findings, ensure_ascii=False)


def test_squatting_an_incumbents_folder(repo: Path, capsys) -> None:
    inst = f'name: "冒名单位"\nuscc: "{SQUATTED}"\nmaintainers: [squatter]\n'.encode()
    head = commit(
        repo, [main_sha(repo)], {f"submissions/{SQUATTED}/institution.yaml".encode(): inst}
    )
    code, findings = check(repo, head, "squatter", capsys)
    identity = [f for f in findings if f["rule"] == "gate-identity"]
    assert code == 1 and len(identity) == 1
    assert "0991-4656129" in identity[0]["message"]  # whom to contact, from cycle.yaml


@pytest.mark.parametrize(
    "escaped",
    [
        OTHER_NAME,
        "乌鲁木齐\\u200b昆仑工程职业学院（示例）",
        "乌鲁木齐昆仑\\u202e工程职业学院（示例）\\0",
    ],
)
def test_copying_an_existing_name(repo: Path, escaped: str, capsys) -> None:
    new = "91650100MA0000001X"
    inst = f'name: "{escaped}"\nuscc: "{new}"\nmaintainers: [copycat]\n'.encode()
    head = commit(repo, [main_sha(repo)], {f"submissions/{new}/institution.yaml".encode(): inst})
    code, findings = check(repo, head, "copycat", capsys)
    assert code == 1 and "gate-identity" in rules(findings)


def test_criss_cross_history_cannot_hide_a_revert(repo: Path, capsys) -> None:
    root = main_sha(repo)
    victim = f"submissions/{OTHER}/institution.yaml".encode()
    mine = f"submissions/{OWN}/institution.yaml".encode()
    old = text(repo, root, victim.decode())
    b1 = commit(repo, [root], {victim: old + b"\n# the victim's own change\n"})
    b2 = commit(repo, [root], {mine: text(repo, root, mine.decode()) + b"\n# mine\n"})
    m1 = commit(repo, [b1, b2], {mine: text(repo, b2, mine.decode())})  # main
    # The attacker's merge of the same two commits quietly keeps the victim's old file.
    m2 = commit(repo, [b2, b1], {victim: old})
    git(repo, "branch", "-f", "criss-cross-main", m1)
    bases = git(repo, "merge-base", "--all", m1, m2).split()
    assert len(bases) == 2  # the merge base is ambiguous
    argv = ["check-pr", "--root", str(repo), "--base", "criss-cross-main", "--head", m2]
    code = main([*argv, "--author", ATTACKER, "--now", "2025-11-05", "--format", "json"])
    findings = json.loads(capsys.readouterr()[0])["findings"]
    assert code == 1
    assert ("gate-maintainer", victim.decode()) in {(f["rule"], f["path"]) for f in findings}


def test_a_path_over_4096_bytes_is_a_finding(repo: Path, capsys) -> None:
    long = f"submissions/{OWN}/2026/attachments/".encode() + b"a/" * 2100 + b"x.pdf"
    head = commit(repo, [main_sha(repo)], {long: b"%PDF-1.4\n"})
    code, findings = check(repo, head, ATTACKER, capsys)
    assert code == 1 and "gate-path" in rules(findings)


def mktree(repo: Path, lines: list[bytes]) -> str:
    return git(repo, "mktree", "-z", stdin=b"".join(x + b"\0" for x in lines)).decode().strip()


def test_a_crafted_tree_with_dot_dot_is_a_finding(repo: Path, capsys) -> None:
    # `git mktree` accepts a ".." entry; a receiving server without fsck would too.
    inner = mktree(repo, [f"100644 blob {blob(repo, b'%PDF-1.4')}\tx.pdf".encode()])
    base = git(repo, "ls-tree", "-z", "main").split(b"\0")
    subs = git(repo, "rev-parse", "main:submissions").decode().strip()
    crafted = mktree(
        repo,
        [*git(repo, "ls-tree", "-z", subs).split(b"\0")[:-1], f"040000 tree {inner}\t..".encode()],
    )
    top = [
        e if not e.endswith(b"\tsubmissions") else f"040000 tree {crafted}\tsubmissions".encode()
        for e in base
        if e
    ]
    head = (
        git(repo, "commit-tree", mktree(repo, top), "-p", "main", "-m", "crafted").decode().strip()
    )
    code, findings = check(repo, head, ATTACKER, capsys)
    assert code == 1 and rules(findings) & {"gate-path", "gate-git"}, findings


def test_too_many_files(repo: Path, capsys) -> None:
    folder = f"submissions/{OWN}/2026/attachments/"
    files = {f"{folder}{i:05d}.pdf".encode(): b"%PDF-1.4\n" for i in range(1001)}
    head = commit(repo, [main_sha(repo)], files)
    code, findings = check(repo, head, ATTACKER, capsys)
    limits = [f for f in findings if f["rule"] == "gate-limit"]
    assert code == 1 and {f["path"] for f in limits} == {"", folder.rstrip("/")}


def test_a_name_outside_the_basic_plane_keeps_working(repo: Path, capsys) -> None:
    path = f"submissions/{OWN}/institution.yaml"
    old = text(repo, main_sha(repo), path).decode("utf-8")
    new = old.replace("name: ", "name: 𠀀", 1).encode("utf-8")
    head = commit(repo, [main_sha(repo)], {path.encode(): new})
    code, findings = check(repo, head, ATTACKER, capsys)
    assert (code, findings) == (0, [])


def test_a_conflicting_pull_request_is_refused_with_its_paths(repo: Path, capsys) -> None:
    root = main_sha(repo)
    path = f"submissions/{OWN}/institution.yaml"
    old = text(repo, root, path)
    ours = commit(repo, [root], {path.encode(): old.replace(b"name: ", b"name: A", 1)})
    theirs = commit(repo, [root], {path.encode(): old.replace(b"name: ", b"name: B", 1)})
    git(repo, "branch", "-f", "conflict-main", ours)
    argv = ["check-pr", "--root", str(repo), "--base", "conflict-main", "--head", theirs]
    code = main([*argv, "--author", ATTACKER, "--now", "2025-11-05", "--format", "json"])
    findings = json.loads(capsys.readouterr()[0])["findings"]
    conflicts = [f for f in findings if f["rule"] == "gate-conflict"]
    assert code == 1 and len(conflicts) == 1 and path in conflicts[0]["message"]
