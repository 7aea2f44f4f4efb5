"""All Git access of the package: plumbing commands, NUL-separated, read as bytes.

The gate reads what a pull request changes and the trees it compares from
here; the site reads each institution's last-changed date from here. Paths
come back as bytes and are decoded by the caller, so a name that is not UTF-8
is a finding, never a lost entry. Nothing here reads ``.gitmodules`` or a
working tree, runs hooks or filters, or follows replace refs.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

MODE_TREE = 0o040000
MODE_SYMLINK = 0o120000
MODE_SUBMODULE = 0o160000
MODE_EXECUTABLE = 0o100755
MODE_FILE = 0o100644

# No prompts, no lazy fetches of a partial clone, no pager, plain C messages.
_ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_NO_LAZY_FETCH": "1",
    "GIT_PAGER": "cat",
    "LC_ALL": "C",
    "GIT_LITERAL_PATHSPECS": "1",
}


class GitError(Exception):
    """A Git command failed; ``str()`` is Git's own message."""


def _git(cwd: Path, args: Sequence[str], stdin: bytes | None = None, ok: tuple[int, ...] = (0,)):
    env = {**os.environ, **_ENV}
    try:
        proc = subprocess.run(
            ["git", "--no-replace-objects", "-c", "core.quotePath=false", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            env=env,
            check=False,
        )
    except OSError as exc:  # no git on PATH
        raise GitError(str(exc)) from None
    if proc.returncode not in ok:
        raise GitError(proc.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return proc


@dataclass(frozen=True, slots=True)
class Entry:
    """One path of a tree or one line of a diff (``old_*`` only for diffs)."""

    path: bytes
    mode: int
    oid: str
    size: int = -1  # bytes of a blob; -1 when unknown or not a blob
    status: str = ""  # A, M, D or T for a diff line
    old_mode: int = 0
    old_oid: str = ""


@dataclass(frozen=True, slots=True)
class Merge:
    """The tree the platform's merge of ``head`` into ``base`` would commit."""

    tree: str
    conflicts: tuple[bytes, ...]  # paths that do not merge cleanly


class Repo:
    """A repository, read with plumbing commands only."""

    def __init__(self, top: Path) -> None:
        self.top = top

    def git(self, *args: str, stdin: bytes | None = None, ok: tuple[int, ...] = (0,)) -> bytes:
        return _git(self.top, args, stdin, ok).stdout

    def commit(self, ref: str) -> str:
        """The full id of the commit ``ref`` names (GitError when it names none)."""
        if ref.startswith("-"):
            raise GitError(f"not a revision: {ref}")
        out = self.git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
        return out.decode("ascii").strip()

    def tree_of(self, commit: str) -> str:
        return self.git("rev-parse", "--verify", f"{commit}^{{tree}}").decode("ascii").strip()

    def merge(self, base: str, head: str) -> Merge:
        """``git merge-tree --write-tree``: the merge itself, not a guess from one merge base.

        With criss-cross history the merge base is ambiguous; Git merges the
        bases into a virtual one, as the platform's merge button does.
        """
        proc = _git(
            self.top,
            ["merge-tree", "--write-tree", "-z", "--name-only", "--no-messages", base, head],
            ok=(0, 1),
        )
        fields = proc.stdout.split(b"\0")
        tree = fields[0].decode("ascii").strip()
        conflicts = tuple(f for f in fields[1:] if f) if proc.returncode == 1 else ()
        return Merge(tree, conflicts)

    def diff(self, old_tree: str, new_tree: str) -> list[Entry]:
        """Every changed path between two trees, recursively, renames as delete + add."""
        raw = self.git("diff-tree", "-z", "-r", "--no-renames", "--no-ext-diff", old_tree, new_tree)
        return list(parse_raw_diff(raw))

    def ls_tree(
        self, tree: str, paths: Iterable[str] = (), *, recursive: bool = True
    ) -> list[Entry]:
        """Entries of ``tree`` (under ``paths`` when given), with blob sizes."""
        args = ["ls-tree", "-z", "-l", "--full-tree"]
        if recursive:
            args.append("-r")
        raw = self.git(*args, tree, "--", *paths)
        return list(parse_ls_tree(raw))

    def sizes(self, oids: Sequence[str]) -> dict[str, int]:
        """Blob sizes by id, in one ``cat-file --batch-check``."""
        if not oids:
            return {}
        unique = list(dict.fromkeys(oids))
        out = self.git(
            "cat-file", "--batch-check", stdin="".join(o + "\n" for o in unique).encode()
        )
        sizes = {}
        for line in out.decode("ascii").splitlines():
            oid, _, rest = line.partition(" ")
            kind, _, size = rest.partition(" ")
            if kind == "blob":
                sizes[oid] = int(size)
        return sizes

    def blobs(self, oids: Sequence[str]) -> dict[str, bytes]:
        """The contents of blobs by id (for a few small ones; ``iter_blobs`` streams)."""
        return dict(self.iter_blobs(oids))

    def iter_blobs(self, oids: Sequence[str]) -> Iterator[tuple[str, bytes]]:
        """(id, contents) of each blob, streamed from one ``cat-file --batch``.

        Ids are written by a thread while contents are read, so neither pipe
        can fill up and stall the other, and only one blob is held at a time.
        """
        unique = list(dict.fromkeys(oids))
        if not unique:
            return
        proc = subprocess.Popen(
            ["git", "--no-replace-objects", "cat-file", "--batch"],
            cwd=self.top,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, **_ENV},
        )
        assert proc.stdin is not None and proc.stdout is not None
        writer = threading.Thread(target=_feed, args=(proc.stdin, unique), daemon=True)
        writer.start()
        try:
            yield from _read_batch(proc.stdout, len(unique))
        finally:
            writer.join()
            proc.stdout.close()
            proc.wait()


def _feed(pipe: IO[bytes], oids: list[str]) -> None:
    with contextlib.suppress(BrokenPipeError):  # git stopped early: its error is read, not this
        for start in range(0, len(oids), 512):
            pipe.write("".join(o + "\n" for o in oids[start : start + 512]).encode("ascii"))
    with contextlib.suppress(BrokenPipeError):
        pipe.close()


def _read_batch(out: IO[bytes], count: int) -> Iterator[tuple[str, bytes]]:
    for _ in range(count):
        header = out.readline().decode("ascii").split()
        if len(header) < 3:  # "<oid> missing" or the end of the output
            if not header:
                return
            continue
        size = int(header[2])
        data = out.read(size)
        out.read(1)  # the newline after each object
        yield header[0], data


def parse_raw_diff(raw: bytes) -> Iterator[Entry]:
    """``diff-tree -z`` raw output: ``:old new old_oid new_oid status`` NUL path NUL."""
    fields = raw.split(b"\0")
    i = 0
    while i + 1 < len(fields):
        meta = fields[i]
        if not meta.startswith(b":"):
            i += 1  # the commit id diff-tree prints for a single commit; not for two trees
            continue
        old_mode, new_mode, old_oid, new_oid, status = meta[1:].decode("ascii").split(" ")
        yield Entry(
            fields[i + 1],
            int(new_mode, 8),
            new_oid,
            status=status[:1],
            old_mode=int(old_mode, 8),
            old_oid=old_oid,
        )
        i += 2


def parse_ls_tree(raw: bytes) -> Iterator[Entry]:
    """``ls-tree -z -l``: ``mode type oid size`` TAB path, NUL-terminated."""
    for record in raw.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        mode, _kind, oid, size = meta.decode("ascii").split()
        yield Entry(path, int(mode, 8), oid, int(size) if size != "-" else -1)


def open_repo(root: Path) -> tuple[Repo, str]:
    """The repository holding ``root`` and the registry's prefix inside it ("" or "examples/")."""
    try:
        out = _git(root, ["rev-parse", "--show-toplevel", "--show-prefix"]).stdout
    except GitError as exc:
        raise NotARepository(str(exc)) from None
    top, _, prefix = out.decode("utf-8", "surrogateescape").partition("\n")
    return Repo(Path(top)), prefix.strip("\n")


class NotARepository(GitError):
    """The folder is not inside a Git working tree."""


def last_changed(root: Path) -> dict[str, str]:
    """USCC -> date (YYYY-MM-DD) of the last commit touching its folder; empty outside Git.

    One ``git log`` for all folders, newest first, so the first date seen per
    folder wins.
    """
    try:
        repo, prefix = open_repo(root)
        folder = f"{prefix}submissions"
        raw = repo.git("log", "-z", "--format=%x01%cs", "--name-only", "--", folder)
    except GitError:
        return {}
    dates: dict[str, str] = {}
    day = ""
    for field in raw.split(b"\0"):
        text = field.decode("utf-8", "surrogateescape").strip("\n")
        if text.startswith("\x01"):
            day, _, text = text[1:].partition("\n")
        if not text.startswith(folder + "/"):
            continue
        uscc = text[len(folder) + 1 :].split("/", 1)[0]
        if uscc and uscc not in dates:
            dates[uscc] = day
    return dates
