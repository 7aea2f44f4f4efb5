"""The whole gate: read the merge, check the change, validate the records it touches.

1. Git computes the merge the platform would make (``merge-tree --write-tree``)
   and the change is the diff from the base to that merge, read as bytes;
2. the touched institutions (and ``cycles/``) of the merge are written to a
   temporary folder, placed files only, and validated there;
3. the change rules run over the change, knowing which attachments the
   validated records refer to (those are the validator's to check).
Anything Git cannot read is a finding that refuses the pull request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .. import layout
from ..findings import Finding
from ..git import GitError, Repo, open_repo
from ..registry import Registry, Submission, scan
from ..rules import Context, strings
from ..validate import validate
from .change import Change, GitTree, Request, changes_from, decode, shown
from .checks import check_changes
from .files import name_problem
from .rule import whole


class BadRevision(ValueError):
    """``--base`` or ``--head`` names no commit."""


@dataclass
class Result:
    findings: list[Finding]
    files: int  # records validated
    changes: list[Change]
    registry: Registry  # the materialised merge (alive as long as its temporary folder)
    submissions: list[Submission]  # the submissions the request touches
    request: Request
    checked: list[Finding] = field(default_factory=list)  # the validation's findings alone


def scope(req: Request, head_cycles: list[str]) -> tuple[list[str], list[str]]:
    """(registry-relative folders to materialise, paths to validate).

    A change to a submission validates its whole institution folder (the
    institution record, its reviews and their subjects depend on each other);
    a change to ``cycles/<c>/`` validates everything of that cycle.
    """
    touched = sorted({w.uscc for _, _, w in req.places if w.uscc and w.place and w.place.ok})
    changed = {w.cycle for _, _, w in req.places if w.inside and w.rel.startswith("cycles/")}
    changed &= set(head_cycles)
    paths = [f"{layout.SUBMISSIONS}/{u}" for u in touched]
    if not changed:
        return [layout.CYCLES, *paths], paths
    insts = req.head.names(f"{req.prefix}{layout.SUBMISSIONS}")
    for cyc in sorted(changed):
        paths.append(f"{layout.CYCLES}/{cyc}")
        paths += [
            f"{layout.SUBMISSIONS}/{u}/{cyc}"
            for u in insts
            if req.head.exists(f"{req.prefix}{layout.SUBMISSIONS}/{u}/{cyc}")
        ]
    return [layout.CYCLES, layout.SUBMISSIONS], sorted(set(paths))


def materialise(repo: Repo, tree: str, prefix: str, folders: list[str], dest: Path) -> None:
    """Write the regular, placed files of ``folders`` of ``tree`` under ``dest``.

    Symlinks, submodules, unreadable names and paths without a place are left
    out: the change rules report them.
    """
    wanted: dict[str, str] = {}
    for e in repo.ls_tree(tree, [prefix + f + "/" for f in folders]):
        path, utf8 = decode(e.path)
        if e.mode >> 12 != 0o10 or not utf8 or not path.startswith(prefix):
            continue
        rel = path[len(prefix) :]
        if name_problem(Change(path, "A")) or not layout.place(rel).ok:
            continue
        wanted[rel] = e.oid
    by_oid: dict[str, list[str]] = {}
    for rel, oid in wanted.items():
        by_oid.setdefault(oid, []).append(rel)
    root = dest.resolve()
    for oid, data in repo.iter_blobs(list(by_oid)):
        for rel in by_oid[oid]:
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    for name in (layout.CYCLES, layout.SUBMISSIONS):
        (root / name).mkdir(exist_ok=True)


def read_request(
    repo: Repo, prefix: str, base: str, head: str, author: str, trusted: bool, now: date
) -> tuple[Request, list[Finding]]:
    """The request of merging ``head`` into ``base``; findings when Git cannot merge it cleanly."""
    try:
        base_c, head_c = repo.commit(base), repo.commit(head)
    except GitError as exc:
        raise BadRevision(str(exc) or base) from None
    base_tree = repo.tree_of(base_c)
    problems: list[Finding] = []
    try:
        merge = repo.merge(base_c, head_c)
    except GitError as exc:
        raise UnreadableChange(str(exc)) from None
    for raw in merge.conflicts[:50]:
        problems.append(
            whole(
                "gate-conflict",
                f"“{shown(decode(raw)[0])}”与 main 分支上的最新版本冲突，无法自动合并。"
                "请先在网页上点击“Update branch”（更新分支）或合并 main 分支、解决冲突后再提交。",
            )
        )
    entries = repo.diff(base_tree, merge.tree)
    sizes = repo.sizes([e.oid for e in entries if e.status != "D" and e.mode >> 12 == 0o10])
    req = Request(
        changes_from(entries, sizes),
        GitTree(repo, base_tree),
        GitTree(repo, merge.tree),
        author,
        trusted,
        now,
        prefix,
    )
    return req, problems


class UnreadableChange(GitError):
    """Git could not read or merge the pull request's objects."""


def unreadable(exc: Exception) -> Finding:
    return whole(
        "gate-git",
        f"Git 无法读取或合并本次拉取请求的内容（{str(exc)[:300]}）。这通常是提交中含有损坏或"
        "人为构造的目录结构造成的，本次拉取请求不能合并。请在网页上重新上传文件后新建拉取请求。",
    )


def run(
    root: Path,
    base: str,
    head: str,
    workdir: Path,
    *,
    author: str = "",
    trusted: bool = False,
    now: date,
) -> Result:
    """The whole gate; ``workdir`` (an empty temporary folder) receives the merge's touched records."""
    repo, prefix = open_repo(root)
    try:
        req, findings = read_request(repo, prefix, base, head, author, trusted, now)
    except UnreadableChange as exc:
        empty = Request([], _Empty(), _Empty(), author, trusted, now, prefix)
        return Result([unreadable(exc)], 0, [], scan(_blank(workdir)), [], empty)
    head_tree = req.head
    assert isinstance(head_tree, GitTree)
    cycles = [n for n in head_tree.names(prefix + layout.CYCLES) if layout.CYCLE_ID.fullmatch(n)]
    folders, paths = scope(req, cycles)
    materialise(repo, head_tree.tree, prefix, folders, workdir)
    head_tree.mirror = (workdir, prefix)  # the rules read the touched files from there
    reg = scan(workdir)
    files, checked = 0, []
    if paths:
        result = validate(reg, paths, now=now)
        checked, files = result.findings, result.files
        findings += checked
    subs = touched_submissions(req, reg)
    req.referenced = referenced_by(reg, subs, now)
    findings = sorted(set(findings) | set(check_changes(req)))
    return Result(findings, files, list(req.changes), reg, subs, req, checked)


def referenced_by(reg: Registry, subs: list[Submission], now: date):
    """Attachments (registry-relative) that the validated records of ``subs`` refer to."""
    ctx = Context(reg, now)
    refs: set[str] = set()
    for sub in subs:
        for rec in sub.records.values():
            if rec.kind == layout.Kind.REVIEW or rec.doc is None:
                continue
            for _, _, value in strings(rec, ctx):
                if value.startswith(layout.ATTACHMENTS + "/"):
                    refs.add(f"{sub.folder}/{value}")
    return refs.__contains__


def touched_submissions(req: Request, reg: Registry) -> list[Submission]:
    seen: dict[tuple[str, str], Submission] = {}
    for _c, _path, w in req.places:
        inst = reg.institutions.get(w.uscc) if w.uscc else None
        if inst is None:
            continue
        for cyc in [w.cycle] if w.cycle else sorted(inst.submissions):
            sub = inst.submissions.get(cyc)
            if sub is not None:
                seen[(w.uscc, cyc)] = sub
    return [seen[k] for k in sorted(seen)]


class _Empty:
    """The tree of a request Git could not read."""

    def read(self, path: str, limit: int | None = None) -> bytes | None:
        return None

    def exists(self, path: str) -> bool:
        return False

    def names(self, folder: str) -> list[str]:
        return []


def _blank(workdir: Path) -> Path:
    for name in (layout.CYCLES, layout.SUBMISSIONS):
        (workdir / name).mkdir(parents=True, exist_ok=True)
    return workdir
