"""The pull-request gate: what a pull request changes, who may change it, and when.

Three stages, like the rest of the package:
1. ``changes`` reads the changed paths between the merge base and the head (modes,
   renames, deletions) from Git;
2. ``check_changes`` is pure: given the changes, the base and head trees (read-only
   views) and who is asking, it yields the gate's findings. Authorisation data
   (maintainers, extensions, reviews) is read from the BASE commit only, never from
   the head the author controls;
3. ``materialise`` writes only the touched institutions (plus ``cycles/``) of the head
   commit into a temporary root, and ``run`` validates just those records there.

``render_markdown`` turns the result into the pull-request comment.
"""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from pathlib import Path
from typing import Any, Protocol

from . import escape
from .findings import Finding, Severity
from .idcodes import redact_ids
from .loader import load_yaml_bytes
from .registry import SELF_REPORT, Registry, Submission, scan
from .rules.files import ATTACHMENT_MAX_BYTES, MAGIC, TYPE_NAMES, sniff
from .validate import validate
from .vocab import due

MODE_SYMLINK = 0o120000
MODE_SUBMODULE = 0o160000
MODE_EXECUTABLE = 0o100755

# Top-level names that belong to the bureau (or the maintainers of the tool).
BUREAU_OWNED = frozenset({"cycles", "schemas", "scripts", "docs", "mkdocs.yml", ".github", ".ci"})
SUBMISSION_RECORDS = frozenset({"application.yaml", "assessment.yaml"})
ATTACHMENT_EXT = frozenset(MAGIC)  # pdf, png, jpg, jpeg
CYCLE_RE = re.compile(r"\d{4}")
TEXT_SUFFIXES = (".yaml", ".md")
SNIFF_BYTES = 8192  # enough to see a NUL byte in a binary file named .yaml or .md

KIND_ZH = {
    "application": "申报",
    "assessment": "年度自查",
    "review": "评审结果",
    "institution": "单位信息",
}
STATUS_ZH = {"A": "新增", "M": "修改", "D": "删除", "R": "重命名", "T": "类型变更"}
BUREAU_CONTACT = "市人社局专业技术人员管理科（0991-4656129）"
REPORT_MAX_CHARS = 60_000
MARKER = "<!-- cebase-gate -->"


# ---------------------------------------------------------------------------
# Stage 1: the changes


@dataclass(frozen=True, slots=True, order=True)
class Change:
    """One changed path of the pull request (paths are repository-relative)."""

    path: str  # the new path; for a deletion, the deleted path
    status: str  # A, M, D, R or T (as in ``git diff --name-status``)
    old_path: str = ""  # the path before a rename ("" otherwise)
    mode: int = 0  # the mode at the head (0 for a deletion)
    old_mode: int = 0
    size: int = 0  # bytes at the head

    @property
    def deleted(self) -> bool:
        return self.status == "D"

    def paths(self) -> tuple[str, ...]:
        """Every path this change touches: both ends of a rename."""
        return (self.old_path, self.path) if self.old_path else (self.path,)


class Tree(Protocol):
    """A read-only view of one commit (``GitTree``; a dict in the unit tests)."""

    def read(self, path: str, limit: int | None = None) -> bytes | None: ...

    def exists(self, path: str) -> bool: ...

    def names(self, folder: str) -> list[str]: ...


class GitTree:
    """``Tree`` over a GitPython commit."""

    def __init__(self, commit: Any) -> None:
        self.commit = commit

    def _item(self, path: str) -> Any:
        try:
            return self.commit.tree / path
        except KeyError:
            return None

    def read(self, path: str, limit: int | None = None) -> bytes | None:
        item = self._item(path)
        if item is None or item.type != "blob":
            return None
        stream = item.data_stream
        return stream.read(limit) if limit is not None else stream.read()

    def exists(self, path: str) -> bool:
        return self._item(path) is not None

    def names(self, folder: str) -> list[str]:
        """The names of a folder's direct entries, sorted ([] if not a folder)."""
        item = self._item(folder)
        if item is None or item.type != "tree":
            return []
        return sorted(entry.name for entry in item)


def changes(repo: Any, base: Any, head: Any) -> list[Change]:
    """Changed paths from the merge base of ``base`` and ``head`` to ``head``."""
    bases = repo.merge_base(base, head)
    if not bases:
        raise ValueError("no merge base")
    out = []
    for d in bases[0].diff(head):  # GitPython passes -M: renames come back as R
        status = d.change_type[0]
        if status == "D":
            out.append(Change(d.a_path, "D", old_mode=d.a_mode or 0))
            continue
        size = d.b_blob.size if d.b_blob is not None and d.b_mode != MODE_SUBMODULE else 0
        old = d.rename_from if status == "R" else ""
        out.append(Change(d.b_path, status, old or "", d.b_mode or 0, d.a_mode or 0, size))
    return sorted(out)


# ---------------------------------------------------------------------------
# Stage 2: the pure checks


@dataclass(frozen=True, slots=True)
class Place:
    """Where a repository path sits in the registry layout."""

    rel: str  # relative to the registry root, or to the repository when outside it
    inside: bool  # under the registry root
    uscc: str = ""  # set for paths under submissions/<uscc>/
    cycle: str = ""  # set for paths under submissions/<uscc>/<cycle>/
    rest: tuple[str, ...] = ()  # the parts below submissions/<uscc>/


def place(path: str, prefix: str) -> Place:
    if prefix and not path.startswith(prefix):
        return Place(path, False)
    rel = path[len(prefix) :]
    parts = rel.split("/")
    if parts[0] != "submissions" or len(parts) < 3:
        return Place(rel, True)
    rest = tuple(parts[2:])
    cycle = rest[0] if len(rest) > 1 and CYCLE_RE.fullmatch(rest[0]) else ""
    return Place(rel, True, parts[1], cycle, rest)


KEEP_FILE = ".gitkeep"
KEEP_FILE_MAX_BYTES = 1024


def allowed_kind(p: Place) -> bool:
    """The file kinds an institution may put in its folder (review.yaml aside)."""
    rest = p.rest
    if rest == ("institution.yaml",):
        return True
    if not p.cycle:
        return False
    if len(rest) == 2:
        return rest[1] in SUBMISSION_RECORDS or rest[1] == SELF_REPORT
    if len(rest) == 3 and rest[1] == "attachments":
        name = rest[2]
        if name == KEEP_FILE:  # the web editor's only way to create the folder (see the guide)
            return True
        return "." in name and name.rsplit(".", 1)[1].lower() in ATTACHMENT_EXT
    return False


def is_review(p: Place) -> bool:
    return bool(p.cycle) and p.rest[1:] == ("review.yaml",)


def _load(tree: Tree, path: str) -> dict[str, Any] | None:
    raw = tree.read(path)
    if raw is None:
        return None
    kind = "cycle" if path.endswith("/cycle.yaml") else None
    doc = load_yaml_bytes(path, raw, kind).document
    return doc.data if doc is not None and isinstance(doc.data, dict) else None


def maintainers(tree: Tree, prefix: str, uscc: str) -> list[str] | None:
    """The accounts listed in an institution.yaml; None if absent or unreadable."""
    data = _load(tree, f"{prefix}submissions/{uscc}/institution.yaml")
    listed = data.get("maintainers") if data else None
    if not isinstance(listed, list) or not all(isinstance(m, str) for m in listed):
        return None
    return listed


@dataclass
class Request:
    """Who asks, about what, when."""

    changes: Sequence[Change]
    base: Tree
    head: Tree
    author: str
    trusted: bool
    now: date  # the caller's date (the CLI passes --now or today in China)
    prefix: str = ""  # the registry root inside the repository, "" or "examples/"


def _f(p: Place, rule: str, message: str, severity: Severity = Severity.ERROR) -> Finding:
    return Finding(redact_ids(p.rel), 0, 0, rule, message, severity)


def _q(path: str) -> str:
    return f"“{redact_ids(path)}”"  # a file name is never a reason to repeat an ID number


def check_changes(req: Request) -> list[Finding]:
    """Every finding of the gate about what changed; the records themselves are validated later."""
    out: list[Finding] = []
    out += check_files(req)
    out += check_scope(req) if not req.trusted else check_trusted(req)
    out += check_deadlines(req)
    out += check_deletions(req)
    return sorted(set(out))


def check_files(req: Request) -> Iterator[Finding]:
    """No symlinks, submodules, executables, mislabelled or oversized files."""
    for c in req.changes:
        if c.deleted:
            continue
        p = place(c.path, req.prefix)
        if c.mode == MODE_SYMLINK:
            yield _f(
                p,
                "gate-symlink",
                f"{_q(p.rel)} 是符号链接（快捷方式）。登记册不接受符号链接：请删除它，把真实文件上传到对应位置。",
            )
            continue
        if c.mode == MODE_SUBMODULE:
            yield _f(
                p,
                "gate-submodule",
                f"{_q(p.rel)} 是 Git 子模块。登记册不接受子模块：请删除它，把需要的文件直接上传。",
            )
            continue
        if c.mode == MODE_EXECUTABLE:
            yield _f(
                p,
                "gate-executable",
                f"{_q(p.rel)} 被标记为可执行文件。材料文件不应可执行：请运行 `git update-index --chmod=-x` "
                "或在网页上删除后重新上传。",
            )
        yield from _check_type(req, p, c)


def _check_type(req: Request, p: Place, c: Change) -> Iterator[Finding]:
    name = p.rel.rsplit("/", 1)[-1]
    if name == KEEP_FILE and c.size > KEEP_FILE_MAX_BYTES:
        yield _f(
            p, "gate-file-type", f"{_q(p.rel)} 只用来建立文件夹，应为空文件。请删除其中的内容。"
        )
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext in ATTACHMENT_EXT:
        if c.size > ATTACHMENT_MAX_BYTES:
            yield _f(
                p,
                "gate-attachment-size",
                f"附件 {_q(p.rel)} 有 {c.size / 1048576:.1f} MB，超过 {ATTACHMENT_MAX_BYTES // 1048576} MB 上限。"
                "请降低扫描分辨率（150–200 dpi 即可）或压缩后重新上传。",
            )
        head = req.head.read(c.path, 16) or b""
        actual = sniff(head)
        if actual is None:
            yield _f(
                p,
                "gate-file-type",
                f"{_q(p.rel)} 的扩展名是 .{ext}，但内容不是 PDF、JPEG 或 PNG 文件。"
                "请导出为 PDF，或将扫描件保存为 JPEG/PNG 后重新上传。",
            )
        elif MAGIC[ext] != MAGIC[actual]:
            yield _f(
                p,
                "gate-file-type",
                f"{_q(p.rel)} 的扩展名是 .{ext}，但内容是 {TYPE_NAMES[actual]}。请把扩展名改为 .{actual}。",
            )
    elif name.endswith(TEXT_SUFFIXES):
        head = req.head.read(c.path, SNIFF_BYTES) or b""
        if sniff(head) is not None or b"\x00" in head:
            yield _f(
                p,
                "gate-file-type",
                f"{_q(p.rel)} 应是文本文件（YAML 或 Markdown），但内容是二进制文件。"
                "请用文本编辑器或网页编辑器编写；扫描件请放在 attachments/ 文件夹中。",
            )


def _folders(req: Request) -> dict[str, list[tuple[Change, Place]]]:
    """Changes grouped by the institution folder they touch (both ends of a rename)."""
    by: dict[str, list[tuple[Change, Place]]] = defaultdict(list)
    for c in req.changes:
        for path in c.paths():
            p = place(path, req.prefix)
            if p.uscc:
                by[p.uscc].append((c, p))
    return by


def _authorised(req: Request, uscc: str) -> tuple[bool, str]:
    """(may the author change this folder, why not in Chinese)."""
    author = req.author.strip().lower()
    listed = maintainers(req.base, req.prefix, uscc)
    if listed is not None:
        if author in (m.lower() for m in listed):
            return True, ""
        return False, (
            f"您的账号“{req.author}”不在单位 {uscc} 的维护账号（main 分支上 institution.yaml 的 "
            "maintainers）中，不能修改该单位的文件夹。请只修改本单位的文件夹；如需增加维护账号，"
            f"请由现有维护账号提交修改，或联系{BUREAU_CONTACT}。"
        )
    if req.base.exists(f"{req.prefix}submissions/{uscc}"):
        return False, (
            f"单位 {uscc} 的文件夹已存在，但 main 分支上的 institution.yaml 缺失或无法读取，"
            f"无法确认维护账号。请联系{BUREAU_CONTACT}处理。"
        )
    # A new folder: its first submitter becomes its maintainer.
    head_listed = maintainers(req.head, req.prefix, uscc)
    if head_listed is None:
        return False, (
            f"新单位文件夹 submissions/{uscc}/ 中缺少可读取的 institution.yaml。"
            "请先用 `cebase new` 生成并填写 institution.yaml，在 maintainers 中写上您的账号。"
        )
    if author in (m.lower() for m in head_listed):
        return True, ""
    return False, (
        f"新单位文件夹 submissions/{uscc}/ 的 institution.yaml 中，maintainers 没有列出您的账号"
        f"“{req.author}”。首次提交的账号即为本单位的维护账号：请在 maintainers 中加上“{req.author}”。"
    )


def check_scope(req: Request) -> Iterator[Finding]:
    """An institution changes its own folder, one folder per request, only the kinds of the layout."""
    if not req.author.strip():
        yield Finding(
            "",
            0,
            0,
            "gate-maintainer",
            "无法确认提交者的账号（未提供 --author），因此不能判断是否有权修改这些文件。"
            "请在运行检查时用 --author 写明账号。",
        )
    for c in req.changes:
        for path in c.paths():
            p = place(path, req.prefix)
            if p.uscc:
                if is_review(p):
                    yield _f(
                        p,
                        "gate-review-file",
                        f"{_q(p.rel)} 是市人社局填写的评审记录，申报单位不能新增、修改或删除。"
                        "请从本次拉取请求中撤销对该文件的修改。",
                    )
                elif not allowed_kind(p):
                    yield _f(p, "gate-file-kind", _kind_message(p, c, path))
                continue
            top = p.rel.split("/", 1)[0]
            if top in BUREAU_OWNED:
                yield _f(
                    p,
                    "gate-bureau-file",
                    f"{_q(p.rel)} 由市人社局或系统维护人员管理，申报单位不能修改。"
                    "请从本次拉取请求中撤销对它的修改，只修改 submissions/ 下本单位的文件夹。",
                )
            else:
                moved = (
                    f"（由 {_q(c.old_path)} 重命名而来）" if path == c.path and c.old_path else ""
                )
                yield _f(
                    p,
                    "gate-scope",
                    f"{_q(p.rel)}{moved}不在 submissions/ 下的单位文件夹中，申报单位只能修改本单位的文件夹。"
                    "请撤销这项修改，把文件放回 submissions/<统一社会信用代码>/ 中。",
                )
    folders = _folders(req)
    if not req.author.strip() or not folders:
        return
    verdicts = {u: _authorised(req, u) for u in sorted(folders)}
    own = [u for u, (ok, _) in verdicts.items() if ok]
    # The request's own folder: the authorised one, else the one with the most changes.
    primary = own[0] if own else max(sorted(folders), key=lambda u: len(folders[u]))
    for uscc, pairs in sorted(folders.items()):
        ok, why = verdicts[uscc]
        first = min(p.rel for _, p in pairs)
        if not ok:
            yield Finding(first, 0, 0, "gate-maintainer", why)
        if uscc != primary:
            names = "、".join(sorted({p.rel for _, p in pairs}))
            yield Finding(
                first,
                0,
                0,
                "gate-scope",
                f"本次拉取请求修改了其他单位的文件夹 submissions/{uscc}/（{names}），"
                f"而一个拉取请求只能修改一个单位（本次为 submissions/{primary}/）。"
                "请只修改本单位的文件夹，或分成多个拉取请求。",
            )


def _kind_message(p: Place, c: Change, path: str) -> str:
    moved = f"（由 {_q(c.old_path)} 重命名而来）" if path == c.path and c.old_path else ""
    return (
        f"{_q(p.rel)}{moved}不是登记册允许的文件。单位文件夹中只能有 institution.yaml，"
        "以及年度文件夹（如 2026/）中的 application.yaml、assessment.yaml、self-report.md 和 "
        "attachments/ 下的 PDF、JPG、PNG 文件。请删除或改名后重新提交。"
    )


def check_trusted(req: Request) -> Iterator[Finding]:
    """A reviewer never changes an institution's submission in the request that reviews it."""
    for _uscc, pairs in sorted(_folders(req).items()):
        reviews = sorted({p.rel for _, p in pairs if is_review(p)})
        others = sorted({p.rel for _, p in pairs if not is_review(p)})
        if not reviews:
            continue
        for rel in others:
            yield Finding(
                rel,
                0,
                0,
                "gate-mixed-review",
                f"同一个拉取请求既修改了评审记录（{'、'.join(reviews)}），又修改了该单位自己的材料 {_q(rel)}。"
                "评审记录与被评审的材料必须分开提交：请把对单位材料的修改移到另一个拉取请求，"
                "由单位的维护账号提交。",
            )


def _submission_kind(req: Request, p: Place) -> str | None:
    """Which deadline a changed file of a submission folder falls under."""
    name = p.rest[1] if len(p.rest) > 1 else ""
    if name in SUBMISSION_RECORDS:
        return name.removesuffix(".yaml")
    if name == SELF_REPORT:
        return "assessment"
    if name == "attachments":
        folder = f"{req.prefix}submissions/{p.uscc}/{p.cycle}"
        for tree in (req.head, req.base):
            for kind in ("application", "assessment"):
                if tree.exists(f"{folder}/{kind}.yaml"):
                    return kind
    return None


def check_deadlines(req: Request) -> Iterator[Finding]:
    """No new or changed application or self-inspection after the deadline, save by extension.

    One finding per late submission, on its record when the record changed, listing the files.
    """
    cycles: dict[str, dict[str, Any] | None] = {}
    late: dict[tuple[str, str, str], list[Place]] = defaultdict(list)
    for c in req.changes:
        if c.deleted:
            continue  # withdrawing is not filing
        p = place(c.path, req.prefix)
        kind = _submission_kind(req, p) if p.cycle else None
        if kind is None:
            continue
        if p.cycle not in cycles:
            cycles[p.cycle] = _load(req.base, f"{req.prefix}cycles/{p.cycle}/cycle.yaml")
        cycle = cycles[p.cycle]
        got = due(cycle, p.uscc, kind) if cycle else None
        if got is None:
            continue  # an unknown cycle is the validator's cycle-unknown finding
        if req.now > got.last_day:
            late[(p.uscc, p.cycle, kind)].append(p)
    for (uscc, cyc, kind), places in sorted(late.items()):
        got = due(cycles[cyc] or {}, uscc, kind)
        deadline, extension = (got.deadline, got.extension) if got else ("", None)
        record = f"{kind}.yaml"
        where = next((p for p in places if p.rest[-1] == record), min(places, key=lambda p: p.rel))
        names = "、".join(sorted("/".join(p.rest[1:]) for p in places))
        if extension:
            why = f"本单位的{KIND_ZH[kind]}获准延期至 {extension}，延期已届满"
        else:
            why = f"{cyc} 周期{KIND_ZH[kind]}的截止日期为 {deadline}"
        yield _f(
            where,
            "gate-deadline",
            f"{why}，今天（{req.now.isoformat()}）已不能再新增或修改{KIND_ZH[kind]}材料（本次涉及：{names}）。"
            f"如确有特殊情况，请联系{BUREAU_CONTACT}申请延期；获准后由管理科登记在本周期 cycle.yaml 的 "
            "extensions 中，再重新运行检查。",
        )


def check_deletions(req: Request) -> Iterator[Finding]:
    """A record a merged review refers to stays: deleting or moving it away is refused."""
    for c in req.changes:
        gone = c.path if c.deleted else c.old_path if c.status == "R" else ""
        if not gone:
            continue
        p = place(gone, req.prefix)
        if not p.uscc or is_review(p):
            continue
        base_folder = f"{req.prefix}submissions/{p.uscc}"
        if p.cycle:
            reviews = [f"{base_folder}/{p.cycle}/review.yaml"]
        else:  # institution.yaml: any review of the institution refers to it
            reviews = [
                f"{base_folder}/{name}/review.yaml" for name in _cycles_of(req.base, base_folder)
            ]
        found = [r for r in reviews if req.base.exists(r)]
        if found:
            yield _f(
                p,
                "gate-delete-reviewed",
                f"{_q(p.rel)} 已被 main 分支上的评审记录（{place(found[0], req.prefix).rel}）引用，"
                f"不能删除或移走。如需更正材料，请修改文件内容而不是删除；如需撤回，请联系{BUREAU_CONTACT}。",
            )


def _cycles_of(tree: Tree, folder: str) -> list[str]:
    return [n for n in tree.names(folder) if CYCLE_RE.fullmatch(n)]


# ---------------------------------------------------------------------------
# Stage 3: materialise the touched part of the head, validate it


def scope(req: Request, head_cycles: Iterable[str]) -> tuple[list[str], list[str]]:
    """(registry-relative folders to materialise, paths to validate).

    A change to a submission validates its whole institution folder (the
    institution record, its reviews and their subjects depend on each other);
    a change to ``cycles/<c>/`` validates everything of that cycle.
    """
    touched: set[str] = set()
    cycles_changed: set[str] = set()
    for c in req.changes:
        for path in c.paths():
            p = place(path, req.prefix)
            if p.uscc:
                touched.add(p.uscc)
            elif p.inside and p.rel.startswith("cycles/"):
                parts = p.rel.split("/")
                if len(parts) > 1 and CYCLE_RE.fullmatch(parts[1]):
                    cycles_changed.add(parts[1])
    head_cycles = set(head_cycles)
    folders = ["cycles"]
    paths = [f"submissions/{u}" for u in sorted(touched)]
    if cycles_changed:
        folders.append("submissions")
        insts = req.head.names(f"{req.prefix}submissions")
        for cyc in sorted(cycles_changed & head_cycles):
            paths.append(f"cycles/{cyc}")
            paths += [
                f"submissions/{u}/{cyc}"
                for u in insts
                if req.head.exists(f"{req.prefix}submissions/{u}/{cyc}")
            ]
    else:
        folders += paths
    return folders, sorted(set(paths))


def materialise(repo: Any, head: str, prefix: str, folders: Sequence[str], dest: Path) -> None:
    """Write the regular files of ``folders`` at ``head`` under ``dest`` (one ``git archive``).

    Symlinks, submodules and anything else that is not a regular file are left
    out: the gate has already reported them.
    """
    tree = repo.commit(head).tree
    wanted = []
    for folder in folders:
        try:
            tree / f"{prefix}{folder}"
        except KeyError:
            continue
        wanted.append(f"{prefix}{folder}")
    if not wanted:
        return
    raw = subprocess.run(
        [
            "git",
            "--literal-pathspecs",
            "-C",
            repo.working_dir or repo.git_dir,
            "archive",
            "--format=tar",
            head,
            "--",
            *wanted,
        ],
        check=True,
        capture_output=True,
    ).stdout
    root = dest.resolve()
    with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
        for member in tar:
            if not member.isfile():
                continue
            rel = member.name[len(prefix) :] if member.name.startswith(prefix) else ""
            target = (root / rel).resolve()
            if not rel or ".." in Path(rel).parts or not target.is_relative_to(root):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            src = tar.extractfile(member)
            if src is not None:
                target.write_bytes(src.read())
    for name in ("cycles", "submissions"):
        (root / name).mkdir(exist_ok=True)


@dataclass
class Result:
    findings: list[Finding]
    files: int  # records validated
    changes: list[Change]
    registry: Registry  # the materialised head (alive as long as its temporary folder)
    submissions: list[Submission]  # the submissions the request touches
    request: Request


def open_repo(root: Path) -> tuple[Any, str]:
    """The repository holding ``root`` and the registry's prefix inside it."""
    import git

    repo = git.Repo(root, search_parent_directories=True)
    top = Path(repo.working_tree_dir or root).resolve()
    rel = root.resolve().relative_to(top).as_posix()
    return repo, "" if rel == "." else rel + "/"


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
    """The whole gate; ``workdir`` (an empty temporary folder) receives the head's touched records."""
    repo, prefix = open_repo(root)
    base_c, head_c = repo.commit(base), repo.commit(head)
    req = Request(
        changes(repo, base_c, head_c),
        GitTree(base_c),
        GitTree(head_c),
        author,
        trusted,
        now,
        prefix,
    )
    findings = check_changes(req)
    head_cycles = [n for n in req.head.names(f"{prefix}cycles") if CYCLE_RE.fullmatch(n)]
    folders, paths = scope(req, head_cycles)
    materialise(repo, head_c.hexsha, prefix, folders, workdir)
    reg = scan(workdir)
    files = 0
    if paths:
        result = validate(reg, paths, now=now)
        findings = sorted(set(findings) | set(result.findings))
        files = result.files
    return Result(findings, files, list(req.changes), reg, touched_submissions(req, reg), req)


def touched_submissions(req: Request, reg: Registry) -> list[Submission]:
    seen: dict[tuple[str, str], Submission] = {}
    for c in req.changes:
        for path in c.paths():
            p = place(path, req.prefix)
            inst = reg.institutions.get(p.uscc) if p.uscc else None
            if inst is None:
                continue
            cycles = [p.cycle] if p.cycle else sorted(inst.submissions)
            for cyc in cycles:
                sub = inst.submissions.get(cyc)
                if sub is not None:
                    seen[(p.uscc, cyc)] = sub
    return [seen[k] for k in sorted(seen)]


# ---------------------------------------------------------------------------
# The pull-request report (Markdown, read by non-programmers on GitHub)

ChecklistFn = Callable[[Registry, Submission, date], str]


def _md(text: object) -> str:
    return escape.md_inline(redact_ids(str(text)))


def _inst_name(reg: Registry, uscc: str) -> str:
    inst = reg.institutions.get(uscc)
    data = inst.record.data if inst is not None and inst.record is not None else None
    name = data.get("name") if isinstance(data, dict) else None
    return str(name) if isinstance(name, str) and name else "（单位名称未填写或无法读取）"


def _sub_kind(sub: Submission) -> str:
    kinds = [KIND_ZH[k] for k in ("application", "assessment") if k in sub.records]
    if "review" in sub.records:
        kinds.append(KIND_ZH["review"])
    return "、".join(kinds) or "材料"


def _verdict(findings: Sequence[Finding]) -> str:
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = len(findings) - errors
    if errors:
        return (
            f"**❌ 需要修改**：发现 {errors} 个错误"
            + (f"、{warnings} 个提醒" if warnings else "")
            + "。请按下面的说明修改后，推送到同一分支（或在网页上继续编辑），检查会自动重新运行。"
        )
    tail = f"（另有 {warnings} 个提醒，请看一下）" if warnings else ""
    return f"**✅ 可以进入人工审核**：自动检查全部通过{tail}，等待市人社局专业技术人员管理科初审。"


def _submitted(result: Result) -> list[str]:
    req = result.request
    reg = result.registry
    groups: dict[str, list[tuple[Change, Place]]] = defaultdict(list)
    other: list[tuple[Change, Place]] = []
    for c in result.changes:
        p = place(c.path, req.prefix)
        (groups[p.uscc] if p.uscc else other).append((c, p))
    out = ["### 本次提交的内容", ""]
    for uscc in sorted(groups):
        subs = [s for s in result.submissions if s.uscc == uscc]
        kinds = "；".join(f"{s.cycle} 周期{_sub_kind(s)}" for s in subs) or "单位信息"
        out.append(
            f"- **{_md(_inst_name(reg, uscc))}**（统一社会信用代码 {_md(uscc)}）：{_md(kinds)}"
        )
        for c, p in groups[uscc]:
            out.append(
                f"  - {STATUS_ZH.get(c.status, c.status)}：{_md('/'.join(p.rest))}" + _moved(c, req)
            )
    if other:
        out.append("- 单位文件夹以外的文件：")
        for c, p in other:
            out.append(f"  - {STATUS_ZH.get(c.status, c.status)}：{_md(p.rel)}" + _moved(c, req))
    if not result.changes:
        out.append("- （没有修改任何文件）")
    return [*out, ""]


def _moved(c: Change, req: Request) -> str:
    return f"（原为 {_md(place(c.old_path, req.prefix).rel)}）" if c.old_path else ""


def _finding_lines(findings: Sequence[Finding]) -> Iterator[tuple[str, list[str]]]:
    """(heading, lines) per file, in order."""
    for path, group in groupby(
        sorted(findings, key=lambda f: (f.path, f.line, f.col, f.rule)), key=lambda f: f.path
    ):
        head = f"#### 📄 {_md(path)}" if path else "#### 📄 整个拉取请求"
        lines = []
        for f in group:
            where = f"第 {f.line} 行" if f.line else "整个文件"
            level = "错误" if f.severity is Severity.ERROR else "提醒"
            field_ = f"（字段 {_md(f.field)}）" if f.field else ""
            lines.append(f"- **{where}**{field_} · {level}：{_md(f.message)} <sub>`{f.rule}`</sub>")
        yield head, lines


def render_markdown(
    result: Result, checklist: ChecklistFn | None = None, *, limit: int = REPORT_MAX_CHARS
) -> str:
    """The pull-request comment: title, verdict, what was submitted, findings by file, checklists."""
    findings = result.findings
    out = [MARKER, "## 继续教育基地材料自动检查", "", _verdict(findings), ""]
    out += _submitted(result)
    checklists: list[str] = []
    if checklist is not None:
        # Each checklist carries its own heading (institution, cycle, kind).
        for sub in result.submissions:
            checklists += [checklist(result.registry, sub, result.request.now).strip(), ""]
    tail = [
        "---",
        "<sub>本报告由 cebase 自动生成。对检查结果有疑问，请联系市人社局专业技术人员管理科（0991-4656129）"
        "或系统技术服务（0991-3193615）。</sub>",
        "",
    ]
    body = "\n".join(out)
    budget = limit - len(body) - len("\n".join(tail)) - 200
    checklist_text = "\n".join(checklists)
    if len(checklist_text) > budget // 2:
        checklist_text = "（审核清单过长，未在此显示；请运行 `cebase checklist` 查看。）\n"
    budget -= len(checklist_text)
    parts: list[str] = []
    if findings:
        parts += ["### 需要处理的问题（按文件）", ""]
        shown = 0
        for head, lines in _finding_lines(findings):
            block = "\n".join([head, "", *lines, ""])
            if len("\n".join(parts)) + len(block) > budget:
                break
            parts.append(block)
            shown += len(lines)
        if shown < len(findings):
            parts.append(
                f"……另有 {len(findings) - shown} 个问题因篇幅所限未显示，完整列表请查看本次检查运行的日志。\n"
            )
    text = "\n".join([body, *parts, checklist_text, *tail])
    return text[:limit]
