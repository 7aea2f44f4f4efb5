"""Personal data that must never enter a submission."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, field_path
from ..idcodes import find_citizen_ids
from ..loader import check_text
from ..registry import Record
from . import Context, at, rule, walk
from .files import SELF_REPORT_MAX_BYTES

ID_MESSAGE = (
    "此处含有居民身份证号码。提交材料中不得出现身份证号（个人信息保护法）；请删除该号码"
    "（如需核验身份，请线下向市人社局提供）。"
)


@rule("personal-id", "institution", "application", "assessment", "review", on_invalid=True)
def check_personal_ids(rec: Record, ctx: Context) -> Iterator[Finding]:
    """No citizen ID number (GB 11643, check digit verified) anywhere; the number is never repeated."""
    for path, value in walk(rec.data):
        if isinstance(value, str | int) and find_citizen_ids(str(value)):
            yield at(rec, path, "personal-id", f"字段“{field_path(path)}”{ID_MESSAGE}")
    # Keys are text too.
    if rec.doc is not None:
        for path in rec.doc.key_pos:
            if find_citizen_ids(str(path[-1])):
                yield at(rec, path, "personal-id", f"字段名{ID_MESSAGE}", key=True)
    if rec.kind == "assessment":
        sub = ctx.submission_of(rec)
        if sub is not None and sub.self_report is not None:
            relpath = f"{sub.folder}/self-report.md"
            text, _ = check_text(
                relpath, sub.self_report.read_bytes(), max_bytes=SELF_REPORT_MAX_BYTES
            )
            for lineno, line in enumerate((text or "").splitlines(), 1):
                if find_citizen_ids(line):
                    yield Finding(
                        relpath, lineno, 1, "personal-id", f"自查报告第 {lineno} 行{ID_MESSAGE}"
                    )
