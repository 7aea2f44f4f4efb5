"""Sealed personal fields: sealed where the policy says, to the listed recipients only.

What the keyring found while loading (``seal.Facts``) becomes findings here. No
message repeats a value of a sealed field: a plaintext one is a disclosure
already, and the finding must not spread it further.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Severity, field_path
from ..idcodes import find_citizen_ids
from ..layout import ATTACHMENT_MAX_BYTES, MAGIC, SEALED_SUFFIX, TYPE_NAMES, extension, sniff
from ..registry import Attachment, Record
from ..seal import RECIPIENTS_PATH, Facts, Policy, describe
from . import Context, at, rule
from .contact import PHONE_KEYS
from .privacy import ID_MESSAGE

PERSONAL = ("institution", "application", "assessment")
HOW_TO_SEAL = (
    "请用本站“在线填表”重新生成此文件（表单会自动加密这些字段），或在本机运行 "
    "`cebase seal {path}` 加密后再提交。已推送的明文仍留在提交历史中，也请告知市人社局处理。"
)
# Scans: the site's page seals them in the browser; `cebase seal` on the command line.
HOW_TO_SEAL_SCAN = "请用本站“在线填表 › 加密扫描件”页面（或在本机运行 `cebase seal`）"
SCHEMA_WAITING = "schema-sealed"  # the schema's checks of sealed fields (a checklist's "schema")


def _facts(rec: Record) -> Facts:
    return rec.keys.of(rec.relpath) if rec.keys is not None else Facts()


def policy(ctx: Context) -> Policy:
    return ctx.registry.keys.policy


@rule(
    "sealed-plaintext",
    *PERSONAL,
    on_invalid=True,
    emits=("sealed-recipients", "sealed-broken", "sealed-closed"),
)
def check_sealed_fields(rec: Record, ctx: Context) -> Iterator[Finding]:
    """Sealed fields hold age messages to exactly the listed recipients, never plaintext."""
    facts, pol = _facts(rec), policy(ctx)
    for path in facts.plain:
        yield at(
            rec,
            path,
            "sealed-plaintext",
            f"字段“{field_path(path)}”是个人或敏感信息，本登记册要求加密后提交，这里却是未加密的明文"
            "（为保护个人信息，此处不复述其内容）。" + HOW_TO_SEAL.format(path=rec.relpath),
        )
    for path, found in facts.foreign:
        listed = (
            f"{RECIPIENTS_PATH} 列出的是 {describe(pol.expected())}"
            if pol.sealed
            else f"登记册没有配置加密（没有 {RECIPIENTS_PATH}），此字段应填写明文"
        )
        yield at(
            rec,
            path,
            "sealed-recipients",
            f"字段“{field_path(path)}”的加密值加密给了 {describe(found)} 接收方，"
            f"与登记册不一致：{listed}。只能加密给市人社局列出的接收方，请重新填写并加密此字段。",
        )
    for path in facts.broken:
        yield at(
            rec,
            path,
            "sealed-broken",
            f"字段“{field_path(path)}”看起来是加密值，但内容已损坏，无法解读（可能在复制粘贴时被改动）。"
            "请重新填写并加密此字段。",
        )
    for path in facts.closed:
        yield at(
            rec,
            path,
            "sealed-closed",
            f"字段“{field_path(path)}”无法用您提供的密钥解密：它没有加密给您的密钥。"
            "若您刚被列入接收方，请能解密的审核人运行 `cebase reseal` 重新加密。",
            severity=Severity.WARNING,
        )


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _value(data: object, path: tuple[str | int, ...]) -> object:
    for part in path:
        data = data[part]  # type: ignore[index]
    return data


@rule("sealed-personal-id", *PERSONAL, emits=("personal-id", SCHEMA_WAITING, "phone"))
def check_sealed_values(rec: Record, ctx: Context) -> Iterator[Finding]:
    """Opened sealed values hold no citizen ID; unopened ones make their checks wait."""
    facts = _facts(rec)
    unread = facts.held + facts.closed
    if unread and rec.keys is not None and rec.doc is not None:
        # Checks that read these values as text or by schema skip what they cannot read.
        yield rec.keys.waiting(rec.doc, SCHEMA_WAITING)
        yield rec.keys.waiting(rec.doc, "personal-id")
        if any(path[-1] in PHONE_KEYS for path in unread):
            yield rec.keys.waiting(rec.doc, "phone")
    for path in facts.opened:
        if any(find_citizen_ids(text) for text in _texts(_value(rec.data, path))):
            yield at(rec, path, "personal-id", f"加密字段“{field_path(path)}”{ID_MESSAGE}")


def _opened_type_problem(name: str, head: bytes) -> str:
    """With the key: the sealed scan's own bytes match its name, as for a plain one."""
    actual, ext = sniff(head), extension(name.removesuffix(SEALED_SUFFIX))
    if actual is None:
        return "解密后的内容不是 PDF、JPEG 或 PNG 文件。请把原件导出为 PDF 或 JPEG/PNG 后重新加密上传。"
    if MAGIC.get(ext) != MAGIC[actual]:
        return f"解密后的内容是{TYPE_NAMES[actual]}，与扩展名 .{ext} 不符。请改正原文件的扩展名后重新加密上传。"
    return ""


def _attachment_problem(pol: Policy, name: str, att: Attachment) -> str:
    if not name.endswith(SEALED_SUFFIX):
        return (
            f"本登记册要求附件加密后提交，这是未加密的文件。{HOW_TO_SEAL_SCAN}加密此文件，"
            f"上传得到的 {name}{SEALED_SUFFIX}，并删除这个原文件。"
        )
    sealed = att.sealed
    if sealed.stanzas is None:
        return f"这不是有效的 age 加密文件。{HOW_TO_SEAL_SCAN}重新加密原文件后上传。"
    if sealed.stanzas != pol.expected():
        return (
            f"此文件加密给了 {describe(sealed.stanzas)} 接收方，与 {RECIPIENTS_PATH} 列出的 "
            f"{describe(pol.expected())} 不一致。{HOW_TO_SEAL_SCAN}重新加密原文件后上传。"
        )
    # Without a key that opens it, its content is the bureau's to check.
    return _opened_type_problem(name, sealed.head) if sealed.head is not None else ""


def _too_big(name: str, att: Attachment) -> str:
    """A sealed scan's size is its original's plus a few hundred bytes: the same cap holds."""
    if att.size <= ATTACHMENT_MAX_BYTES:
        return ""
    return (
        f"加密附件“{name}”有 {att.size / 1048576:.1f} MB，超过 {ATTACHMENT_MAX_BYTES // 1048576} MB"
        " 上限。请降低原件的扫描分辨率（150–200 dpi 即可）或压缩后重新加密上传。"
    )


@rule("sealed-attachment", "application", "assessment", emits=("attachment-size",))
def check_sealed_attachments(rec: Record, ctx: Context) -> Iterator[Finding]:
    """Sealed scans keep the size cap; where the policy seals, every scan is an age file
    to exactly the listed recipients."""
    sub, pol = ctx.submission_of(rec), policy(ctx)
    if sub is None or not (rec.kind == "application" or "application" not in sub.records):
        return  # once per submission
    for name, att in sorted(sub.attachments.items()):
        where = f"{sub.folder}/attachments/{name}"
        if name.endswith(SEALED_SUFFIX) and (big := _too_big(name, att)):
            yield Finding(where, 0, 0, "attachment-size", big)
        problem = _attachment_problem(pol, name, att) if pol.sealed else ""
        if problem:
            yield Finding(where, 0, 0, "sealed-attachment", problem)


@rule("sealed-recipients-file", "cycle")
def check_recipients_file(rec: Record, ctx: Context) -> Iterator[Finding]:
    """Every line of cycles/recipients.txt is an age recipient (or a comment)."""
    for line, message in policy(ctx).problems:
        yield Finding(RECIPIENTS_PATH, line, 1, "sealed-recipients-file", message)
