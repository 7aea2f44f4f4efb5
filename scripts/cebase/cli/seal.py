"""``cebase seal FILE...``: seal a record's personal fields, or an attachment, in place.

The recipients are the registry's ``cycles/recipients.txt``. A YAML record keeps
its lines, comments and order; only the sealed fields' values become armoured
age messages. An attachment ``name.pdf`` becomes ``name.pdf.age`` and the
plaintext file is removed, so it cannot be committed by mistake.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..layout import ATTACHMENT_PLACE, SEALED_SUFFIX, place
from ..loader import MAX_BYTES
from ..seal import RECIPIENTS_PATH, Keyring, Policy, read_identities, read_policy, seal_bytes
from ..textcheck import check_text
from . import EXIT_OK, UsageError, common, relative_to_root

IDENTITY_HELP = "审核人的 age 私钥文件（AGE-SECRET-KEY-1…），只在本机读取，不会写入任何文件"


def parents() -> list[argparse.ArgumentParser]:
    return [common()]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="要加密的记录（institution.yaml、application.yaml、assessment.yaml）或附件",
    )


def policy_of(root: Path) -> Policy:
    """The registry's policy; a usage error when it cannot seal."""
    pol = read_policy(root)
    if pol.problems:
        raise UsageError(f"{RECIPIENTS_PATH} {pol.problems[0][1]}")
    if not pol.sealed:
        raise UsageError(
            f"本登记册没有配置加密接收方（{RECIPIENTS_PATH} 不存在或为空），个人信息按明文提交，无需加密。"
        )
    return pol


def add_identity(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--identity", type=Path, required=required, metavar="KEY", help=IDENTITY_HELP)


def identities(path: Path) -> list[Any]:
    try:
        return read_identities(path)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def keyring(args: argparse.Namespace) -> Keyring | None:
    """The keyring of ``--identity`` (None without one: records load with the default)."""
    if getattr(args, "identity", None) is None:
        return None
    return Keyring(read_policy(args.root), tuple(identities(args.identity)))


def read_text(file: Path, rel: str) -> str:
    try:
        raw = file.read_bytes()
    except OSError:
        raise UsageError(f"无法读取 {rel}。") from None
    text, problems = check_text(rel, raw, max_bytes=MAX_BYTES)
    if text is None:
        raise UsageError(f"{rel}：{problems[0].message}")
    return text


def seal_one(root: Path, rel: str, recipients: list[Any]) -> str:
    """Seal one file in place; a line saying what was done."""
    from ..sealtext import seal_text

    where, file = place(rel), root / rel
    if where.kind is not None:
        try:
            text, count = seal_text(rel, read_text(file, rel), where.kind, recipients)
        except ValueError as exc:
            raise UsageError(f"{rel} 无法读取：{exc}") from None
        if count:
            file.write_text(text, "utf-8")
        return f"{rel}：已加密 {count} 个字段。" if count else f"{rel}：没有需要加密的明文字段。"
    if where.what == ATTACHMENT_PLACE and not rel.endswith(SEALED_SUFFIX):
        sealed = file.with_name(file.name + SEALED_SUFFIX)
        sealed.write_bytes(seal_bytes(file.read_bytes(), recipients, armored=False))
        file.unlink()
        return f"{rel}：已加密为 {rel}{SEALED_SUFFIX}，并删除了未加密的原文件。"
    if where.what == ATTACHMENT_PLACE:
        return f"{rel}：已是加密文件。"
    raise UsageError(
        f"“{rel}”不是可以加密的文件。请给出单位的 institution.yaml、application.yaml、"
        "assessment.yaml 或 attachments/ 中的附件。"
    )


def run(args: argparse.Namespace) -> int:
    recipients = policy_of(args.root).age_recipients()
    for given in args.files:
        rel = relative_to_root(args.root, given)
        if not (args.root / rel).is_file():
            raise UsageError(f"找不到文件“{given}”。")
        sys.stdout.write(seal_one(args.root, rel, recipients) + "\n")
    return EXIT_OK
