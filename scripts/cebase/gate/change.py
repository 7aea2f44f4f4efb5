"""A pull request as data: its changed paths, the two trees, who asks and when.

Paths arrive from Git as bytes. Each is decoded here, once: a name that is not
UTF-8 keeps a visible form (``\\xff``) and is refused by the path rules, never
dropped. Where a path sits is ``layout.place``'s answer, the same allowlist
the registry scan uses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from .. import layout
from ..git import MODE_TREE, Entry, Repo
from ..idcodes import redact_ids
from ..loader import load_yaml_bytes
from ..rules.identity import name_key
from ..vocab import Extensions, Kind

# Characters a person cannot see in a path, shown as escapes in messages.
_INVISIBLE = re.compile(layout.BAD_NAME_CHARS.pattern)


def shown(text: str) -> str:
    """A path as shown in findings: invisible or undecodable characters made visible."""

    def esc(m: re.Match[str]) -> str:
        code = ord(m.group())
        return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"

    return redact_ids(_INVISIBLE.sub(esc, text))


def decode(raw: bytes) -> tuple[str, bool]:
    """(the path as text, whether it was valid UTF-8); bad bytes become lone surrogates."""
    try:
        return raw.decode("utf-8"), True
    except UnicodeDecodeError:
        return raw.decode("utf-8", "surrogateescape"), False


@dataclass(frozen=True, slots=True, order=True)
class Change:
    """One changed path of the pull request (repository-relative)."""

    path: str
    status: str  # A, M, D or T; R only in hand-made changes (Git is asked for none)
    old_path: str = ""
    mode: int = 0  # at the head; 0 for a deletion
    old_mode: int = 0
    size: int = 0  # bytes at the head
    utf8: bool = True  # the name Git gave was valid UTF-8
    oid: str = ""  # the blob at the head

    @property
    def deleted(self) -> bool:
        return self.status == "D"

    def paths(self) -> tuple[str, ...]:
        return (self.old_path, self.path) if self.old_path else (self.path,)


def changes_from(entries: Iterable[Entry], sizes: dict[str, int]) -> list[Change]:
    out = []
    for e in entries:
        path, utf8 = decode(e.path)
        deleted = e.status == "D"
        mode = 0 if deleted else e.mode
        size = 0 if deleted else sizes.get(e.oid, 0)
        out.append(
            Change(path, e.status, "", mode, e.old_mode, size, utf8, "" if deleted else e.oid)
        )
    return sorted(out)


@dataclass(frozen=True, slots=True)
class Where:
    """A repository path seen from the registry."""

    rel: str  # relative to the registry root (or the repository, outside it)
    inside: bool  # under cycles/ or submissions/ of the registry
    place: layout.Place | None  # the layout's answer, for paths inside
    folder: str = ""  # the institution folder name, for paths under submissions/<x>/

    @property
    def uscc(self) -> str:
        return self.place.uscc if self.place is not None and self.place.ok else self.folder

    @property
    def cycle(self) -> str:
        return self.place.cycle if self.place is not None else ""

    @property
    def what(self) -> str | None:
        return self.place.what if self.place is not None else None


def where(path: str, prefix: str) -> Where:
    if prefix and not path.startswith(prefix):
        return Where(path, False, None)
    rel = path[len(prefix) :]
    parts = rel.split("/")
    if parts[0] not in (layout.CYCLES, layout.SUBMISSIONS):
        return Where(rel, False, None)
    folder = parts[1] if parts[0] == layout.SUBMISSIONS and len(parts) > 2 else ""
    return Where(rel, True, layout.place(rel), folder)


class Tree(Protocol):
    """A read-only view of one commit (``GitTree``; a dict in the unit tests)."""

    def read(self, path: str, limit: int | None = None) -> bytes | None: ...

    def exists(self, path: str) -> bool: ...

    def names(self, folder: str) -> list[str]: ...


class GitTree:
    """``Tree`` over a tree id; one ``ls-tree`` per folder asked about, cached."""

    def __init__(self, repo: Repo, tree: str) -> None:
        self.repo, self.tree = repo, tree
        self._folders: dict[str, dict[str, Entry]] = {}
        # A folder holding this tree's placed regular files (registry root, prefix):
        # reading them there costs no process per file.
        self.mirror: tuple[Path, str] | None = None

    def _listing(self, folder: str) -> dict[str, Entry]:
        if folder not in self._folders:
            spec = [folder + "/"] if folder else []
            entries = self.repo.ls_tree(self.tree, spec, recursive=False)
            self._folders[folder] = {decode(e.path)[0].rsplit("/", 1)[-1]: e for e in entries}
        return self._folders[folder]

    def _entry(self, path: str) -> Entry | None:
        folder, _, name = path.rpartition("/")
        return self._listing(folder).get(name)

    def read(self, path: str, limit: int | None = None) -> bytes | None:
        if self.mirror is not None and path.startswith(self.mirror[1]):
            rel = path[len(self.mirror[1]) :]
            local = self.mirror[0] / rel
            if ".." not in rel.split("/") and local.is_file():
                with local.open("rb") as fh:
                    return fh.read(-1 if limit is None else limit)
        e = self._entry(path)
        if e is None or e.mode >> 12 != 0o10:  # not a regular file
            return None
        raw = self.repo.blobs([e.oid]).get(e.oid)
        return raw if raw is None or limit is None else raw[:limit]

    def exists(self, path: str) -> bool:
        return self._entry(path) is not None

    def names(self, folder: str) -> list[str]:
        e = self._entry(folder) if folder else None
        if folder and (e is None or e.mode != MODE_TREE):
            return []
        return sorted(self._listing(folder))


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
    # Is this registry-relative attachment referenced by a record that the
    # validation of the touched records checks? (None: none are.)
    referenced: Callable[[str], bool] | None = None

    @cached_property
    def places(self) -> list[tuple[Change, str, Where]]:
        """(change, path, where) for both ends of every change, placed once."""
        return [(c, p, where(p, self.prefix)) for c in self.changes for p in c.paths()]

    def load(self, tree: Tree, rel: str) -> dict[str, Any] | None:
        """A registry file of ``tree`` as a mapping (None if absent or unreadable)."""
        path = self.prefix + rel
        raw = tree.read(path)
        if raw is None:
            return None
        kind = "cycle" if rel.endswith("/cycle.yaml") else None
        doc = load_yaml_bytes(path, raw, kind).document
        return doc.data if doc is not None and isinstance(doc.data, dict) else None

    @cached_property
    def cycles(self) -> dict[str, BaseCycle]:
        """The base's cycles by id, newest first, each read once (unreadable ones left out)."""
        ids = [
            n for n in self.base.names(self.prefix + layout.CYCLES) if layout.CYCLE_ID.fullmatch(n)
        ]
        out: dict[str, BaseCycle] = {}
        for cid in sorted(ids, reverse=True):
            data = self.load(self.base, f"{layout.CYCLES}/{cid}/{layout.FILE_OF_KIND[Kind.CYCLE]}")
            if data is not None:
                out[cid] = BaseCycle(cid, data, Extensions(data))
        return out

    @cached_property
    def names(self) -> BaseNames:
        """The base's institution names (read on first use: only a new name needs them)."""
        return BaseNames.read(self.base, self.prefix)

    @cached_property
    def contacts(self) -> list[str]:
        """The bureau's offices and telephones, from the newest cycle on the base."""
        for cycle in self.cycles.values():
            found = [
                f"{c['office']}（{c['phone']}）" if isinstance(c.get("phone"), str) else c["office"]
                for c in cycle.data.get("contacts") or []
                if isinstance(c, dict) and isinstance(c.get("office"), str)
            ]
            if found:
                return found
        return ["市人社局（联系方式见本年度通知）"]

    @property
    def contact(self) -> str:
        """Whom an institution asks: the first office the cycle lists."""
        return self.contacts[0]


@dataclass(frozen=True, slots=True)
class BaseCycle:
    """One cycle of the base: its ``cycle.yaml`` and the extensions it grants."""

    id: str
    data: dict[str, Any]
    extensions: Extensions


@dataclass(frozen=True, slots=True)
class BaseNames:
    """name_key -> USCC of every institution on the base (the first folder wins)."""

    by_key: dict[str, str]

    def owner(self, name: str, skip: str) -> str:
        """The other institution that already has ``name`` ('' when none, or only ``skip``)."""
        found = self.by_key.get(name_key(name), "")
        return "" if found == skip else found

    @classmethod
    def read(cls, base: Tree, prefix: str) -> BaseNames:
        files: dict[str, bytes] = {}
        if isinstance(base, GitTree):  # one ls-tree and one cat-file for the whole registry
            entries = base.repo.ls_tree(base.tree, [f"{prefix}{layout.SUBMISSIONS}/"])
            wanted = {
                decode(e.path)[0]: e.oid
                for e in entries
                if e.path.endswith(b"/" + layout.INSTITUTION_FILE.encode())
            }
            blobs = base.repo.blobs(list(wanted.values()))
            files = {p: blobs.get(oid, b"") for p, oid in wanted.items()}
        else:
            for uscc in base.names(f"{prefix}{layout.SUBMISSIONS}"):
                path = f"{prefix}{layout.SUBMISSIONS}/{uscc}/{layout.INSTITUTION_FILE}"
                files[path] = base.read(path) or b""
        out: dict[str, str] = {}
        for path, raw in sorted(files.items()):
            doc = load_yaml_bytes(path, raw, "institution").document
            data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
            name = data.get("name")
            if isinstance(name, str) and name:
                out.setdefault(name_key(name), path.split("/")[-2])
        return cls(out)
