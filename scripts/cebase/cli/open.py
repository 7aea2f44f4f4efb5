"""``cebase open FILE --identity KEY``: a sealed record or attachment, opened.

A record is printed (or written with ``-o``) with its sealed fields as plain
YAML; an attachment ``name.pdf.age`` is written to ``-o``. Nothing in the
registry changes: the opened copy belongs on the reviewer's machine only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pyrage

from ..layout import ATTACHMENT_PLACE, SEALED_SUFFIX, place
from . import EXIT_FINDINGS, EXIT_OK, UsageError, common, relative_to_root
from .seal import add_identity, identities, read_text

NOT_YOURS = "无法用此密钥解密 {rel}：它没有加密给此密钥。请确认密钥文件，或请能解密的审核人运行 `cebase reseal`。"


def parents() -> list[argparse.ArgumentParser]:
    return [common()]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="加密的记录（.yaml）或附件（.age）")
    add_identity(p, required=True)
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        help="写入此文件（附件必须指定；记录默认输出到屏幕）。请勿写回登记册文件夹",
    )


def run(args: argparse.Namespace) -> int:
    from ..sealtext import open_text

    rel = relative_to_root(args.root, args.file)
    file, where, keys = args.root / rel, place(rel), identities(args.identity)
    if not file.is_file():
        raise UsageError(f"找不到文件“{args.file}”。")
    try:
        if where.kind is not None:
            text, _ = open_text(rel, read_text(file, rel), where.kind, keys)
            if args.output is None:
                sys.stdout.write(text)
            else:
                args.output.write_text(text, "utf-8")
            return EXIT_OK
        if where.what == ATTACHMENT_PLACE and rel.endswith(SEALED_SUFFIX):
            if args.output is None:
                raise UsageError("打开附件时请用 -o 指定输出文件，例如 -o 法人登记证书.pdf。")
            args.output.write_bytes(pyrage.decrypt(file.read_bytes(), keys))
            return EXIT_OK
    except pyrage.DecryptError:
        sys.stderr.write(NOT_YOURS.format(rel=rel) + "\n")
        return EXIT_FINDINGS
    except ValueError as exc:
        raise UsageError(f"{rel} 无法读取：{exc}") from None
    raise UsageError(f"“{rel}”不是记录或加密附件（.age）。")
