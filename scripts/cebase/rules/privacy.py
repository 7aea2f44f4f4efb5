"""Personal data that must never enter a submission."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..findings import Finding, field_path
from ..idcodes import CITIZEN_ID_RE, find_citizen_ids
from ..registry import Record
from . import Context, rule

ID_MESSAGE = (
    "含有居民身份证号码。提交材料中不得出现身份证号（个人信息保护法）；请删除该号码"
    "（如需核验身份，请线下向市人社局提供）。"
)

# The pattern without its leading look-behind: a regular expression that starts
# with a character class is scanned for fast, and it matches wherever the
# full pattern does (more often, never less), so it may say "none" first.
_MAYBE_ID = re.compile(CITIZEN_ID_RE.pattern.removeprefix("(?<![0-9A-Za-z])"))


def _id_findings(relpath: str, text: str, rec: Record | None = None) -> Iterator[Finding]:
    """One finding per line holding a citizen ID number; the number itself is never repeated."""
    if not _MAYBE_ID.search(text) or not find_citizen_ids(text):  # the usual answer is no
        return
    for line_no, line_text in enumerate(text.splitlines(), 1):
        numbers = find_citizen_ids(line_text)
        if not numbers:
            continue
        col = line_text.index(numbers[0]) + 1
        where, fieldname = f"第 {line_no} 行", ""
        if rec is not None and rec.doc is not None:
            if line_text.lstrip().startswith("#"):
                where = f"第 {line_no} 行的注释"
            else:
                fieldname = field_path(rec.doc.field_at(line_no, col))
                where = f"字段“{fieldname}”" if fieldname else where
        yield Finding(relpath, line_no, col, "personal-id", f"{where}{ID_MESSAGE}", field=fieldname)


@rule("personal-id", "institution", "application", "assessment", "review", on_invalid=True)
def check_personal_ids(rec: Record, ctx: Context) -> Iterator[Finding]:
    """No citizen ID number (GB 11643, check digit verified) anywhere, comments included."""
    if rec.doc is not None:
        yield from _id_findings(rec.relpath, rec.doc.text, rec)
    if rec.kind == "assessment":
        sub = ctx.submission_of(rec)
        if sub is not None and sub.self_report is not None:
            yield from _id_findings(sub.self_report.relpath, sub.self_report.text or "")
