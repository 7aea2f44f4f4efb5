"""Discovering a registry on disk and loading its files into values.

``scan`` walks ``cycles/`` and ``submissions/`` and asks ``layout.place`` about
every path: what the allowlist has no place for (hidden files, stray folders,
names with invisible characters or ID numbers, symlinks) is a ``layout``
finding, nothing is skipped. Files are found eagerly (cheap) and loaded on
first use, once: a YAML record into a ``Document``, the self-report into its
text, an attachment into its size and first bytes. Rules read these values and
never the disk.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import layout, schemas
from .document import Document
from .findings import Finding, Severity
from .idcodes import find_citizen_ids, redact_ids
from .loader import load_yaml_file, unreadable
from .seal import AGE_HEAD_BYTES, PLAIN, Facts, Keyring, SealedFile, read_policy
from .textcheck import check_text

SELF_REPORT_MAX_BYTES = 256 * 1024
# A record's document, load findings, schema verdict and sealed-field facts.
Loaded = tuple[Document | None, list[Finding], bool, Facts | None]


@dataclass
class Record:
    """One YAML file of a known kind, loaded on first use."""

    kind: str
    relpath: str
    file: Path
    _doc: Document | None = field(default=None, repr=False)
    _findings: list[Finding] | None = field(default=None, repr=False)
    _matches: bool | None = field(default=None, repr=False)
    keys: Keyring | None = field(default=None, repr=False)  # opens or holds sealed values

    def _load(self) -> None:
        result = load_yaml_file(self.file, self.relpath, self.kind)
        if result.document is not None and result.document.blanks:
            schemas.prune_blanks(result.document, self.kind)
        if result.document is not None and self.keys is not None:
            self.keys.open(result.document, self.kind)
        self._doc = result.document
        self._findings = list(result.findings)

    @property
    def doc(self) -> Document | None:
        if self._findings is None:
            self._load()
        return self._doc

    @property
    def data(self) -> dict[str, Any] | None:
        doc = self.doc
        return doc.data if doc is not None else None

    @property
    def load_findings(self) -> list[Finding]:
        """What loading found (encoding, YAML, characters); the schema's are the checker's."""
        if self._findings is None:
            self._load()
        assert self._findings is not None
        return self._findings

    @property
    def matches_schema(self) -> bool:
        """Loaded and matching its schema (asked of the fast validator once)."""
        if self._matches is None:
            doc = self.doc
            self._matches = doc is not None and (self.keys or PLAIN).is_valid(doc, self.kind)
        return self._matches

    def loaded(self) -> Loaded:
        """What loading made of this record, to be handed over by another process."""
        doc, found, matches = self.doc, self.load_findings, self.matches_schema  # loaded first
        facts = self.keys.facts.get(self.relpath) if self.keys is not None else None
        return doc, found, matches, facts

    def adopt(self, state: Loaded) -> None:
        """Take what another process's ``loaded`` gave, as if loaded here."""
        self._doc, self._findings, self._matches, facts = state
        if facts is not None and self.keys is not None:
            self.keys.facts[self.relpath] = facts

    @property
    def valid(self) -> bool:
        """Loaded cleanly and matching its schema: what trusts the shape may read it.

        The same verdict as the validation's (``validate.Result.valid``).
        """
        return self.matches_schema and not any(
            f.severity is Severity.ERROR for f in self.load_findings
        )


@dataclass
class TextFile:
    """The self-report: its text once decoded, or the findings that refused it."""

    relpath: str
    file: Path
    _loaded: tuple[str | None, list[Finding]] | None = field(default=None, repr=False)

    def _load(self) -> tuple[str | None, list[Finding]]:
        if self._loaded is None:
            try:
                raw = self.file.read_bytes()
            except OSError:
                self._loaded = (None, [unreadable(self.relpath)])
            else:
                self._loaded = check_text(self.relpath, raw, max_bytes=SELF_REPORT_MAX_BYTES)
        return self._loaded

    @property
    def text(self) -> str | None:
        return self._load()[0]

    @property
    def findings(self) -> list[Finding]:
        return self._load()[1]


@dataclass
class Attachment:
    """A scanned file: its size and first bytes, which say its type."""

    name: str
    relpath: str
    file: Path
    _header: tuple[int, bytes] | None = field(default=None, repr=False)
    keys: Keyring | None = field(default=None, repr=False)

    def _load(self) -> tuple[int, bytes]:
        if self._header is None:
            # One unbuffered open for the size and the first bytes (a sealed scan's:
            # its whole age header): a buffered reader would fill 8 KiB for 16 bytes.
            want = (
                AGE_HEAD_BYTES if self.name.endswith(layout.SEALED_SUFFIX) else layout.SNIFF_BYTES
            )
            with open(self.file, "rb", buffering=0) as fh:
                size = os.fstat(fh.fileno()).st_size
                head = fh.read(want)
                while len(head) < want and (more := fh.read(want - len(head))):
                    head += more  # a raw read may come back short
            self._header = (size, head)
        return self._header

    @property
    def size(self) -> int:
        return self._load()[0]

    @property
    def head(self) -> bytes:
        return self._load()[1]

    @functools.cached_property
    def sealed(self) -> SealedFile:
        """A sealed scan (name.pdf.age): its age header, and its first bytes if a key opens it."""
        return (self.keys or PLAIN).open_file(self.file, self.head)


@dataclass
class Cycle:
    id: str
    folder: str
    records: dict[str, Record] = field(default_factory=dict)

    def data(self, kind: str) -> dict[str, Any] | None:
        rec = self.records.get(kind)
        return rec.data if rec is not None and rec.valid else None


@dataclass
class Submission:
    """What one institution filed in one cycle."""

    uscc: str
    cycle: str
    folder: str  # relative path
    path: Path
    records: dict[str, Record] = field(default_factory=dict)
    self_report: TextFile | None = None
    attachments: dict[str, Attachment] = field(default_factory=dict)

    def get(self, kind: str) -> Record | None:
        return self.records.get(kind)


@dataclass
class Institution:
    uscc: str  # the folder name; the folder-uscc rule checks it against the record
    folder: str
    record: Record | None = None
    submissions: dict[str, Submission] = field(default_factory=dict)

    def records(self) -> Iterator[Record]:
        if self.record is not None:
            yield self.record
        for sub in self.submissions.values():
            yield from sub.records.values()


@dataclass
class Registry:
    root: Path
    cycles: dict[str, Cycle] = field(default_factory=dict)
    institutions: dict[str, Institution] = field(default_factory=dict)
    layout: list[Finding] = field(default_factory=list)
    keys: Keyring = field(default_factory=Keyring)  # the sealing policy, and any identities

    def records(self) -> Iterator[Record]:
        for cycle in self.cycles.values():
            yield from cycle.records.values()
        for inst in self.institutions.values():
            yield from inst.records()

    def cycle_data(self, cycle: str, kind: str) -> dict[str, Any] | None:
        c = self.cycles.get(cycle)
        return c.data(kind) if c is not None else None

    def unlock(self, keys: Keyring) -> None:
        """Load records and scans with ``keys``: sealed values opened by its identities, or held."""
        self.keys = keys
        for rec in self.records():
            rec.keys = keys
        for inst in self.institutions.values():
            for att in (a for s in inst.submissions.values() for a in s.attachments.values()):
                att.keys = keys

    def submission_at(self, relpath: str) -> Submission | None:
        """The submission a record path ``submissions/<uscc>/<cycle>/<file>`` belongs to."""
        parts = relpath.split("/")
        if len(parts) == 4 and parts[0] == layout.SUBMISSIONS:
            inst = self.institutions.get(parts[1])
            return inst.submissions.get(parts[2]) if inst else None
        return None


# ---------------------------------------------------------------- the scan


def _shown(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def shown_path(rel: str) -> str:
    """A registry-relative path as shown in findings: invisible or undecodable
    characters made visible, and any citizen ID number in a name masked."""
    return redact_ids(layout.BAD_NAME_CHARS.sub(lambda m: _shown(m.group()), rel))


_FOLDERS = frozenset(
    {
        layout.CYCLES,
        layout.SUBMISSIONS,
        layout.CYCLE_FOLDER,
        layout.INSTITUTION_FOLDER,
        layout.SUBMISSION_FOLDER,
        layout.ATTACHMENTS_FOLDER,
    }
)


def _rule_for(name: str) -> str:
    if find_citizen_ids(name):
        return "personal-id"
    if layout.BAD_NAME_CHARS.search(name):
        return "file-name"
    return "layout"


def _refusal(where: layout.Place, entry: os.DirEntry[str], is_dir: bool) -> tuple[str, str]:
    """(rule, Chinese reason) when this entry may not be here, else ("", "")."""
    if entry.is_symlink():
        return "symlink", "不允许提交符号链接。请删除它，并把真实文件放在对应位置。"
    if not (is_dir or entry.is_file(follow_symlinks=False)):
        return "layout", "这不是普通文件或文件夹，请删除。"
    if not where.ok:
        return _rule_for(entry.name), where.problem
    if (where.what in _FOLDERS) != is_dir:
        why = "这里应为文件夹。" if where.what in _FOLDERS else "这里应为文件，不能是文件夹。"
        return "layout", why
    if where.what == layout.KEEP_PLACE and entry.stat().st_size > layout.KEEP_FILE_MAX_BYTES:
        return "layout", f"{layout.KEEP_FILE} 只用来保留空文件夹，应为空文件。请删除其中的内容。"
    return "", ""


def _walk(folder: Path, rel: str, out: list[Finding]) -> Iterator[tuple[layout.Place, Path]]:
    """Every allowed path under ``folder`` (depth first, by name), placed, with its file;
    a finding for every other one. The listing knows each entry's type, so a
    registry of thousands of folders costs no stat calls."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        child_rel = f"{rel}/{entry.name}"
        is_dir = entry.is_dir(follow_symlinks=False)
        where = layout.place(child_rel)
        rule, why = _refusal(where, entry, is_dir)
        if rule:
            out.append(Finding(shown_path(child_rel), 0, 0, rule, why))
            continue
        yield where, folder / entry.name
        if is_dir:
            yield from _walk(folder / entry.name, child_rel, out)


def _missing_top(reg: Registry, name: str) -> None:
    reg.layout.append(
        Finding(
            name,
            0,
            0,
            "layout",
            f"登记册根目录 {reg.root.name or reg.root} 下缺少 {name}/ 文件夹。"
            "请用 --root 指向包含 cycles/ 和 submissions/ 的文件夹。",
        )
    )


# Allowed places that hold no value: plain documentation, a folder keeper, the
# sealing policy (read on its own by seal.py).
_NOTHING_TO_LOAD = frozenset(
    {layout.README_PLACE, layout.RECIPIENTS_PLACE, layout.KEEP_PLACE, layout.CYCLES}
    | {layout.SUBMISSIONS, layout.ATTACHMENTS_FOLDER}
)


def _add(reg: Registry, where: layout.Place, file: Path) -> None:
    """Register one allowed path found by the walk."""
    rel, what, uscc, cycle = where.rel, where.what, where.uscc, where.cycle
    if what in _NOTHING_TO_LOAD:
        return
    if what == layout.CYCLE_FOLDER:
        reg.cycles[cycle] = Cycle(cycle, rel)
    elif where.kind is not None and rel.startswith(layout.CYCLES + "/"):
        reg.cycles[cycle].records[where.kind] = Record(where.kind, rel, file)
    elif what == layout.INSTITUTION_FOLDER:
        reg.institutions[uscc] = Institution(uscc, rel)
    elif what == layout.Kind.INSTITUTION:
        reg.institutions[uscc].record = Record(what, rel, file)
    elif what == layout.SUBMISSION_FOLDER:
        reg.institutions[uscc].submissions[cycle] = Submission(uscc, cycle, rel, file)
    else:
        _add_to_submission(reg.institutions[uscc].submissions[cycle], where, rel, file)


def _add_to_submission(sub: Submission, where: layout.Place, rel: str, file: Path) -> None:
    if where.kind is not None:
        sub.records[where.kind] = Record(where.kind, rel, file)
    elif where.what == layout.SELF_REPORT_PLACE:
        sub.self_report = TextFile(rel, file)
    elif where.what == layout.ATTACHMENT_PLACE:
        name = rel.rsplit("/", 1)[1]
        sub.attachments[name] = Attachment(name, rel, file)


def scan(root: Path) -> Registry:
    """Find every record of the registry at ``root`` without loading any."""
    root = root.resolve()
    reg = Registry(root)
    for top in (layout.CYCLES, layout.SUBMISSIONS):
        if not (root / top).is_dir():
            _missing_top(reg, top)
            continue
        for where, file in _walk(root / top, top, reg.layout):
            _add(reg, where, file)
    for inst in reg.institutions.values():
        if inst.record is None:
            reg.layout.append(
                Finding(
                    f"{inst.folder}/{layout.INSTITUTION_FILE}",
                    0,
                    0,
                    "institution-missing",
                    "单位文件夹缺少 institution.yaml（单位基本信息）。请用 `cebase new` 生成后填写。",
                )
            )
    reg.unlock(Keyring(read_policy(root)))
    return reg
