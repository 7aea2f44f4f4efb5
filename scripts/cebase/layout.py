"""The registry's layout: which paths may exist, and what each one is.

One allowlist for the registry scan, the pull-request gate and ``cebase new``:
``place`` classifies a registry-relative path (as ``/``-separated text) into a
``Place`` that names its kind, or says why it has no place. Anything the
allowlist does not name has no place, so the scan reports it and the gate
refuses it: no folder is skipped silently.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from .idcodes import USCC_RE, find_citizen_ids
from .vocab import Kind

CYCLES, SUBMISSIONS = "cycles", "submissions"
INSTITUTION_FILE = "institution.yaml"
CYCLE_FILES: Mapping[str, str] = {
    "cycle.yaml": Kind.CYCLE,
    "specialties.yaml": Kind.SPECIALTIES,
    "rubric.yaml": Kind.RUBRIC,
    "checklists.yaml": Kind.CHECKLISTS,
}
SUBMISSION_FILES: Mapping[str, str] = {
    "application.yaml": Kind.APPLICATION,
    "assessment.yaml": Kind.ASSESSMENT,
    "review.yaml": Kind.REVIEW,
}
FILE_OF_KIND: Mapping[str, str] = {
    Kind.INSTITUTION: INSTITUTION_FILE,
    **{kind: name for name, kind in {**CYCLE_FILES, **SUBMISSION_FILES}.items()},
}
SELF_REPORT = "self-report.md"
ATTACHMENTS = "attachments"
# The web editor cannot create an empty folder; the guide asks for this file.
KEEP_FILE = ".gitkeep"
KEEP_FILE_MAX_BYTES = 1024
# Plain documentation the bureau keeps beside the folders (never a record).
README_FILES = frozenset({"README.md"})
# The bureau's age recipients (public keys), one a line: its presence seals
# personal fields (``seal.py``). Under cycles/, which the bureau alone changes.
RECIPIENTS_FILE = "recipients.txt"
# A sealed attachment: the original name plus this suffix (name.pdf.age), and
# how an age file begins (binary, or ASCII-armoured).
SEALED_SUFFIX = ".age"
SEALED_MAGIC = (b"age-encryption.org/v1\n", b"-----BEGIN AGE ENCRYPTED FILE-----")

CYCLE_ID = re.compile(r"\d{4}")
USCC_FOLDER = re.compile(USCC_RE.pattern)

# Attachments: types by their first bytes, names shown to people, size limit.
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
MAGIC: Mapping[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}
TYPE_NAMES: Mapping[str, str] = {
    "pdf": "PDF",
    "png": "PNG 图片",
    "jpg": "JPEG 图片",
    "jpeg": "JPEG 图片",
}
ATTACHMENT_TYPES = frozenset(MAGIC)
SNIFF_BYTES = 16
_KINDS = frozenset(Kind)


def sniff(head: bytes) -> str | None:
    """The file type by its first bytes: pdf, png, jpg or None."""
    for ext, signatures in MAGIC.items():
        if head.startswith(signatures):
            return ext
    return None


def extension(name: str) -> str:
    return name.rsplit(".", 1)[1].lower() if "." in name else ""


# Characters no path part may carry: controls, bidi controls, zero-width and
# other invisible characters, and undecodable bytes (kept as lone surrogates).
BAD_NAME_CHARS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0"
    "\ufff0-\ufffb\ud800-\udfff]"
)


# Kinds of place beyond the record kinds of ``vocab.Kind``.
SELF_REPORT_PLACE = "self-report"
ATTACHMENT_PLACE = "attachment"
KEEP_PLACE = "keep"
RECIPIENTS_PLACE = "recipients"
README_PLACE = "readme"
CYCLE_FOLDER = "cycle-folder"
INSTITUTION_FOLDER = "institution-folder"
SUBMISSION_FOLDER = "submission-folder"
ATTACHMENTS_FOLDER = "attachments-folder"


@dataclass(frozen=True, slots=True)
class Place:
    """Where a registry-relative path sits; ``what`` is None when it has no place."""

    rel: str
    what: str | None  # a Kind value, or one of the *_PLACE / *_FOLDER names above
    uscc: str = ""  # for paths under submissions/<uscc>/
    cycle: str = ""  # for paths under cycles/<cycle>/ or submissions/<uscc>/<cycle>/
    problem: str = ""  # Chinese: why the path has no place, and what to do

    @property
    def kind(self) -> str | None:
        """The record kind, when the path is a YAML record."""
        return self.what if self.what in _KINDS else None

    @property
    def ok(self) -> bool:
        return self.what is not None


@functools.lru_cache(maxsize=4096)  # a scan asks about the same folder names again and again
def bad_part(part: str) -> str:
    """Chinese: what is wrong with one path part ('' when nothing)."""
    if not part or part in (".", ".."):
        return "路径中有空的或“.”“..”部分。"
    if BAD_NAME_CHARS.search(part):
        return "名称含有不可见字符、控制字符或不是 UTF-8 编码。请改用普通的中文、英文或数字名称。"
    if find_citizen_ids(part):
        return "名称中含有居民身份证号码。请改用不含个人信息的名称（例如“法人登记证书.pdf”）。"
    if unicodedata.normalize("NFC", part) != part:
        return "名称的 Unicode 写法不规范（NFC）。请重新输入文件名。"
    return ""


_NO_PLACE = {
    "top": "登记册根目录下只能有 cycles/ 和 submissions/。",
    "cycles": "cycles/ 下只能有以四位年份命名的周期文件夹（如 2026）。",
    "cycle": "周期文件夹中只能有 " + "、".join(CYCLE_FILES) + "。",
    "submissions": "submissions/ 下只能有以统一社会信用代码（18 位）命名的单位文件夹。",
    "institution": "单位文件夹中只能有 institution.yaml 和以年份命名的周期文件夹（如 2026/）。",
    "submission": "周期文件夹中只能有 application.yaml、assessment.yaml、review.yaml、"
    "self-report.md 和 attachments/。",
    "attachments": "attachments/ 中只能直接放 PDF、PNG 或 JPEG 文件（.pdf .png .jpg .jpeg，"
    "加密后为 .pdf.age 等），不能再有子文件夹。",
}


def _none(rel: str, why: str, uscc: str = "", cycle: str = "") -> Place:
    return Place(rel, None, uscc, cycle, why)


def place(rel: str) -> Place:
    """Classify a registry-relative path (a file or a folder) by the allowlist."""
    parts = rel.split("/")
    for part in parts:
        if why := bad_part(part):
            return _none(rel, why)
    top, n = parts[0], len(parts)
    if top == CYCLES:
        return _cycle_place(rel, parts)
    if top != SUBMISSIONS:
        return _none(rel, _NO_PLACE["top"])
    if n == 1:
        return Place(rel, SUBMISSIONS)
    if n == 2 and parts[1] in README_FILES:
        return Place(rel, README_PLACE)
    uscc = parts[1]
    if not USCC_FOLDER.fullmatch(uscc):
        return _none(rel, _NO_PLACE["submissions"])
    if n == 2:
        return Place(rel, INSTITUTION_FOLDER, uscc)
    if n == 3 and parts[2] == INSTITUTION_FILE:
        return Place(rel, Kind.INSTITUTION, uscc)
    cycle = parts[2]
    if not CYCLE_ID.fullmatch(cycle):
        return _none(rel, _NO_PLACE["institution"], uscc)
    if n == 3:
        return Place(rel, SUBMISSION_FOLDER, uscc, cycle)
    return _submission_place(rel, parts[3:], uscc, cycle)


def _cycle_place(rel: str, parts: list[str]) -> Place:
    n = len(parts)
    if n == 1:
        return Place(rel, CYCLES)
    if n == 2 and parts[1] in README_FILES:
        return Place(rel, README_PLACE)
    if n == 2 and parts[1] == RECIPIENTS_FILE:
        return Place(rel, RECIPIENTS_PLACE)
    if not CYCLE_ID.fullmatch(parts[1]):
        return _none(rel, _NO_PLACE["cycles"])
    if n == 2:
        return Place(rel, CYCLE_FOLDER, cycle=parts[1])
    if n == 3 and parts[2] in CYCLE_FILES:
        return Place(rel, CYCLE_FILES[parts[2]], cycle=parts[1])
    return _none(rel, _NO_PLACE["cycle"], cycle=parts[1])


def _submission_place(rel: str, rest: list[str], uscc: str, cycle: str) -> Place:
    name = rest[0]
    if len(rest) == 1:
        if name in SUBMISSION_FILES:
            return Place(rel, SUBMISSION_FILES[name], uscc, cycle)
        if name == SELF_REPORT:
            return Place(rel, SELF_REPORT_PLACE, uscc, cycle)
        if name == ATTACHMENTS:
            return Place(rel, ATTACHMENTS_FOLDER, uscc, cycle)
        return _none(rel, _NO_PLACE["submission"], uscc, cycle)
    if name == ATTACHMENTS and len(rest) == 2:
        if rest[1] == KEEP_FILE:
            return Place(rel, KEEP_PLACE, uscc, cycle)
        if extension(rest[1].removesuffix(SEALED_SUFFIX)) in ATTACHMENT_TYPES:
            return Place(rel, ATTACHMENT_PLACE, uscc, cycle)
    bucket = "attachments" if name == ATTACHMENTS else "submission"
    return _none(rel, _NO_PLACE[bucket], uscc, cycle)


def record_path(uscc: str, kind: str, cycle: str | None = None) -> str:
    """The registry-relative path of a record of ``kind`` (``cebase new`` writes here)."""
    name = FILE_OF_KIND[kind]
    if kind == Kind.INSTITUTION:
        return f"{SUBMISSIONS}/{uscc}/{name}"
    if kind in SUBMISSION_FILES.values():
        return f"{SUBMISSIONS}/{uscc}/{cycle}/{name}"
    return f"{CYCLES}/{cycle}/{name}"
