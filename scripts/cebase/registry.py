"""Discovering a registry on disk: cycles, institutions, their submissions.

Files are found eagerly (cheap) and loaded lazily, once, through the strict
loader and the schema, so the gate can check a few records of a large registry
without reading the rest. Unexpected files and symlinks are findings.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import schemas
from .findings import Finding
from .idcodes import find_citizen_ids, redact_ids
from .loader import Document, load_yaml_file

CYCLE_FILES = {
    "cycle.yaml": "cycle",
    "specialties.yaml": "specialties",
    "rubric.yaml": "rubric",
    "checklists.yaml": "checklists",
}
SUBMISSION_FILES = {
    "application.yaml": "application",
    "assessment.yaml": "assessment",
    "review.yaml": "review",
}
SELF_REPORT = "self-report.md"
ATTACHMENTS = "attachments"
CYCLE_ID = re.compile(r"\d{4}")
IGNORED = frozenset({".gitkeep", ".DS_Store"})
README = "README.md"  # the bureau's note for applicants, directly under cycles/ or submissions/


@dataclass
class Record:
    """One YAML file of a known kind; loaded and schema-checked on first use."""

    kind: str
    relpath: str
    file: Path
    _doc: Document | None = field(default=None, repr=False)
    _findings: list[Finding] | None = field(default=None, repr=False)
    check_schema: bool = field(default=True, repr=False)

    def _load(self) -> None:
        result = load_yaml_file(self.file, self.relpath, self.kind)
        self._doc = result.document
        self._findings = list(result.findings)
        if self._doc is not None and self.check_schema:
            self._findings.extend(schemas.validate(self._doc, self.kind))

    def adopt(self, data: Any) -> None:
        """Take this record's data as another process loaded it (``trust_schema`` only).

        Only the data crosses, not positions or text: what trusts the shape (the
        status engine, the site) reads data alone. None: it did not load.
        """
        if self.check_schema:
            raise ValueError("adopt() is only for records whose schema check runs elsewhere")
        self._doc = None if data is None else Document(self.relpath, data)
        self._findings = []

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
        if self._findings is None:
            self._load()
        assert self._findings is not None
        return self._findings

    @property
    def valid(self) -> bool:
        """Loaded and schema-clean: rules may trust its shape."""
        return self.doc is not None and not any(
            f.rule.startswith("schema") for f in self.load_findings
        )


@contextlib.contextmanager
def no_gc_pauses() -> Iterator[None]:
    """Pause the cyclic garbage collector while a registry is loaded and checked.

    Loading makes millions of small objects (values, positions) that live to
    the end of the run, and the collector would scan them again and again for
    cycles that loading does not make: a fifth of a large validation. The
    collector is back on when the block ends.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


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
    self_report: Path | None = None
    attachments: dict[str, Path] = field(default_factory=dict)

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

    def records(self) -> Iterator[Record]:
        for cycle in self.cycles.values():
            yield from cycle.records.values()
        for inst in self.institutions.values():
            yield from inst.records()

    def trust_schema(self) -> None:
        """Load records without the schema check: ``valid`` then means "loaded".

        Only for a caller whose full validation runs elsewhere and gates the
        result (the site build: an invalid record stops publishing anyway), so
        the same check is not paid twice.
        """
        for rec in self.records():
            rec.check_schema = False

    def check_schemas(self) -> None:
        """Undo ``trust_schema``: records already loaded get their schema check now."""
        for rec in self.records():
            if not rec.check_schema:
                rec.check_schema = True
                if rec._doc is not None and rec._findings is not None:
                    rec._findings.extend(schemas.validate(rec._doc, rec.kind))

    def cycle_data(self, cycle: str, kind: str) -> dict[str, Any] | None:
        c = self.cycles.get(cycle)
        return c.data(kind) if c is not None else None


# Characters a file name may not carry: controls, bidi controls, undecodable bytes
# (which Python keeps as lone surrogates).
_BAD_NAME = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)


def _shown(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def _rel(root: Path, p: Path) -> str:
    """The registry-relative path as shown in findings: invisible or undecodable
    characters made visible, and any citizen ID number in a name masked."""
    shown = _BAD_NAME.sub(lambda m: _shown(m.group()), p.relative_to(root).as_posix())
    return redact_ids(shown)


def _layout(root: Path, p: Path, message: str, rule: str = "layout") -> Finding:
    return Finding(_rel(root, p), 0, 0, rule, message)


def _entries(root: Path, folder: Path, out: list[Finding]) -> Iterator[tuple[Path, bool]]:
    """Children of ``folder`` and whether each is a folder, refusing symlinks and
    anything that is not a file or folder. The directory listing already knows
    each entry's type, so a registry of thousands of folders costs no stat calls."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        child = folder / entry.name
        if entry.name in IGNORED:
            continue
        if find_citizen_ids(child.name):
            out.append(
                _layout(
                    root,
                    child,
                    "文件名中含有居民身份证号码。请改用不含个人信息的文件名（例如“法人登记证书.pdf”）。",
                    "personal-id",
                )
            )
            continue
        if _BAD_NAME.search(child.name):
            out.append(
                _layout(
                    root,
                    child,
                    "文件名含有不可见字符、控制字符或不是 UTF-8 编码。请改用普通的中文、英文或数字文件名。",
                    "file-name",
                )
            )
            continue
        if entry.is_symlink():
            out.append(
                _layout(
                    root,
                    child,
                    "不允许提交符号链接。请删除它，并把真实文件放在对应位置。",
                    "symlink",
                )
            )
            continue
        is_dir = entry.is_dir()
        if not (is_dir or entry.is_file()):
            out.append(_layout(root, child, "这不是普通文件或文件夹，请删除。"))
            continue
        yield child, is_dir


def scan(root: Path) -> Registry:
    """Find every record of the registry at ``root`` without loading any."""
    root = root.resolve()
    reg = Registry(root)
    for folder_name in ("cycles", "submissions"):
        if not (root / folder_name).is_dir():
            reg.layout.append(
                Finding(
                    folder_name,
                    0,
                    0,
                    "layout",
                    f"登记册根目录 {root.name or root} 下缺少 {folder_name}/ 文件夹。请用 --root 指向包含 cycles/ 和 submissions/ 的文件夹。",
                )
            )
    cycles_dir = root / "cycles"
    if cycles_dir.is_dir():
        for cdir, is_dir in _entries(root, cycles_dir, reg.layout):
            if not is_dir and cdir.name == README:
                continue
            if not is_dir or not CYCLE_ID.fullmatch(cdir.name):
                reg.layout.append(
                    _layout(root, cdir, "cycles/ 下只能有以四位年份命名的周期文件夹（如 2026）。")
                )
                continue
            cycle = Cycle(cdir.name, _rel(root, cdir))
            for f, f_is_dir in _entries(root, cdir, reg.layout):
                kind = None if f_is_dir else CYCLE_FILES.get(f.name)
                if kind is None:
                    reg.layout.append(
                        _layout(root, f, f"周期文件夹中只能有 {'、'.join(CYCLE_FILES)}。")
                    )
                    continue
                cycle.records[kind] = Record(kind, _rel(root, f), f)
            reg.cycles[cycle.id] = cycle
    subs_dir = root / "submissions"
    if subs_dir.is_dir():
        for idir, is_dir in _entries(root, subs_dir, reg.layout):
            if not is_dir and idir.name == README:
                continue
            if not is_dir:
                reg.layout.append(
                    _layout(root, idir, "submissions/ 下只能有以统一社会信用代码命名的单位文件夹。")
                )
                continue
            inst = Institution(idir.name, _rel(root, idir))
            reg.institutions[inst.uscc] = inst
            for child, child_is_dir in _entries(root, idir, reg.layout):
                if not child_is_dir and child.name == "institution.yaml":
                    inst.record = Record("institution", _rel(root, child), child)
                elif child_is_dir and CYCLE_ID.fullmatch(child.name):
                    inst.submissions[child.name] = _scan_submission(
                        root, inst.uscc, child, reg.layout
                    )
                else:
                    reg.layout.append(
                        _layout(
                            root,
                            child,
                            "单位文件夹中只能有 institution.yaml 和以年份命名的周期文件夹（如 2026/）。",
                        )
                    )
            if inst.record is None:
                reg.layout.append(
                    Finding(
                        f"{inst.folder}/institution.yaml",
                        0,
                        0,
                        "institution-missing",
                        "单位文件夹缺少 institution.yaml（单位基本信息）。请用 `cebase new` 生成后填写。",
                    )
                )
    return reg


def _scan_submission(root: Path, uscc: str, sdir: Path, out: list[Finding]) -> Submission:
    sub = Submission(uscc, sdir.name, _rel(root, sdir), sdir)
    for f, f_is_dir in _entries(root, sdir, out):
        if not f_is_dir and f.name in SUBMISSION_FILES:
            sub.records[SUBMISSION_FILES[f.name]] = Record(
                SUBMISSION_FILES[f.name], _rel(root, f), f
            )
        elif not f_is_dir and f.name == SELF_REPORT:
            sub.self_report = f
        elif f_is_dir and f.name == ATTACHMENTS:
            for a, a_is_dir in _entries(root, f, out):
                if not a_is_dir:
                    sub.attachments[a.name] = a
                else:
                    out.append(
                        _layout(
                            root,
                            a,
                            "attachments/ 中不能再有子文件夹，请把文件直接放在 attachments/ 下。",
                        )
                    )
        else:
            out.append(
                _layout(
                    root,
                    f,
                    "周期文件夹中只能有 application.yaml、assessment.yaml、review.yaml、self-report.md 和 attachments/。",
                )
            )
    return sub


def select(reg: Registry, paths: Iterable[str]) -> set[str]:
    """Relative paths of the records (and layout findings) under any of ``paths``."""
    wanted = [p.strip("/") for p in paths]
    chosen = set()
    for rec in reg.records():
        if any(
            rec.relpath == w or rec.relpath.startswith(w + "/") or w in ("", ".") for w in wanted
        ):
            chosen.add(rec.relpath)
    return chosen
