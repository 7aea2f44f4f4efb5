"""Files a record refers to: the self-report and the attachments."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..findings import Finding, Severity
from ..layout import ATTACHMENT_MAX_BYTES, MAGIC, SEALED_SUFFIX, TYPE_NAMES, extension, sniff
from ..registry import Attachment, Record, Submission
from . import Context, at, leaf_path, rule, strings

SELF_REPORT_MIN_CHARS = 1500  # the notice: 自查报告不低于1500字

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_CJK_RUN = re.compile(_CJK.pattern + "+")
_WORD = re.compile(r"[A-Za-z0-9]+(?:[.'’-][A-Za-z0-9]+)*")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_CODE_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
_HTML_TAG = re.compile(r"<[^>]{0,200}>")
_URL = re.compile(r"https?://\S+")


def count_text(markdown: str) -> int:
    """Chinese characters plus Latin words, ignoring Markdown syntax, links' targets and spaces."""
    # Each pattern needs its literal to match; most reports have no fences, links or tags.
    text = _MD_CODE_FENCE.sub(" ", markdown) if "```" in markdown else markdown
    text = _MD_LINK.sub(r"\1", text) if "](" in text else text
    text = _HTML_TAG.sub(" ", text) if "<" in text else text
    text = _URL.sub(" ", text) if "://" in text else text
    # Runs, not single characters, make few matches. A Chinese character can be
    # no part of a word, so words are counted in the same text.
    cjk = sum(map(len, _CJK_RUN.findall(text)))
    words = len(_WORD.findall(text))
    return cjk + words


@rule("self-report-length", "assessment")
def check_self_report(rec: Record, ctx: Context) -> Iterator[Finding]:
    """The self-report exists, is clean UTF-8 text and has at least 1500 characters."""
    sub = ctx.submission_of(rec)
    if sub is None:
        return
    if sub.self_report is None:
        yield at(
            rec,
            ("self_report",),
            "self-report-length",
            "找不到自查报告 self-report.md。请在同一文件夹中新建 self-report.md，撰写不少于 1500 字的《运行情况自查报告》。",
        )
        return
    relpath = sub.self_report.relpath
    yield from sub.self_report.findings
    text = sub.self_report.text
    if text is None:
        return
    n = count_text(text)
    if n < SELF_REPORT_MIN_CHARS:
        yield Finding(
            relpath,
            1,
            1,
            "self-report-length",
            f"自查报告正文只有 {n} 字（不计 Markdown 符号、空格和标点），通知要求不少于 "
            f"{SELF_REPORT_MIN_CHARS} 字。请补充建设、管理、培训和专业调整等方面的情况。",
        )


def _attachment_refs(rec: Record, ctx: Context) -> Iterator[tuple[tuple[str | int, ...], str]]:
    for parent, key, value in strings(rec, ctx):
        if value.startswith("attachments/"):
            yield leaf_path(parent, key), value


def _check_attachment(
    rec: Record, path: tuple[str | int, ...], ref: str, sub: Submission
) -> Iterator[Finding]:
    name = ref.removeprefix("attachments/")
    file: Attachment | None = sub.attachments.get(name)
    if file is None and name + SEALED_SUFFIX in sub.attachments:
        return  # sealed (name.pdf.age): rules/sealed.py checks it
    if file is None:
        yield at(
            rec,
            path,
            "attachment-missing",
            f"找不到附件“{ref}”。请把文件上传到 {sub.folder}/attachments/ 文件夹，并确认文件名（含扩展名）与此处完全一致。",
        )
        return
    size, head = file.size, file.head
    if size > ATTACHMENT_MAX_BYTES:
        yield at(
            rec,
            path,
            "attachment-size",
            f"附件“{ref}”有 {size / 1048576:.1f} MB，超过 {ATTACHMENT_MAX_BYTES // 1048576} MB 上限。"
            "请降低扫描分辨率（150–200 dpi 即可）或压缩后重新上传。",
        )
    actual = sniff(head)
    ext = extension(name)
    if actual is None:
        yield at(
            rec,
            path,
            "attachment-type",
            f"附件“{ref}”的内容不是 PDF、JPEG 或 PNG 文件。请导出为 PDF，或将扫描件保存为 JPEG/PNG 后上传。",
        )
    elif MAGIC.get(ext) != MAGIC[actual]:
        yield at(
            rec,
            path,
            "attachment-type",
            f"附件“{ref}”的扩展名是 .{ext}，但内容是{TYPE_NAMES[actual]}。请把扩展名改为 .{actual}。",
        )


@rule(
    "attachment-missing",
    "application",
    "assessment",
    emits=("attachment-type", "attachment-size", "attachment-unused"),
)
def check_attachments(rec: Record, ctx: Context) -> Iterator[Finding]:
    """Referenced attachments exist, are PDF/JPEG/PNG by their bytes and are under the size cap."""
    sub = ctx.submission_of(rec)
    if sub is None:
        return
    for path, ref in _attachment_refs(rec, ctx):
        yield from _check_attachment(rec, path, ref, sub)
    # Report unreferenced files once, on the submission's main record.
    if rec.kind == "application" or "application" not in sub.records:
        referenced = {
            ref.removeprefix("attachments/")
            for r in sub.records.values()
            if r.kind != "review" and r.doc is not None
            for _, ref in _attachment_refs(r, ctx)
        }
        referenced |= {name + SEALED_SUFFIX for name in referenced}
        for name in sorted(set(sub.attachments) - referenced):
            yield Finding(
                f"{sub.folder}/attachments/{name}",
                0,
                0,
                "attachment-unused",
                "此附件没有被任何表单引用。请在表单的相应字段中引用它，或删除该文件。",
                Severity.WARNING,
            )
