"""``cebase reseal --identity KEY [PATH...]``: seal everything afresh to today's recipients.

Run by a reviewer after ``cycles/recipients.txt`` changes (a reviewer joins or
leaves): every sealed field and ``.age`` attachment under the root (or under
PATH) is opened with the reviewer's key and sealed to the listed recipients;
plaintext in a sealed field, and plain attachments, are sealed too. Review and
commit the result like any change.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyrage

from ..layout import SEALED_SUFFIX
from ..seal import seal_bytes, sealed_shapes
from . import EXIT_FINDINGS, EXIT_OK, common, relative_to_root
from .open import NOT_YOURS
from .seal import add_identity, identities, policy_of, read_text


def parents() -> list[argparse.ArgumentParser]:
    return [common()]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help="只处理这些文件或文件夹（默认全部）")
    add_identity(p, required=True)


def _files(root: Path) -> Iterator[tuple[str, Path, str | None]]:
    """(relative path, file, record kind or None for an attachment) of every submission file."""
    from ..registry import scan

    reg = scan(root)
    for inst in reg.institutions.values():
        for rec in inst.records():
            if sealed_shapes(rec.kind):
                yield rec.relpath, rec.file, rec.kind
        for sub in inst.submissions.values():
            for name, att in sorted(sub.attachments.items()):
                yield f"{sub.folder}/attachments/{name}", att.file, None


def _reseal_attachment(file: Path, keys: list[Any], recipients: list[Any]) -> None:
    if file.name.endswith(SEALED_SUFFIX):
        file.write_bytes(
            seal_bytes(pyrage.decrypt(file.read_bytes(), keys), recipients, armored=False)
        )
    else:
        file.with_name(file.name + SEALED_SUFFIX).write_bytes(
            seal_bytes(file.read_bytes(), recipients, armored=False)
        )
        file.unlink()


def run(args: argparse.Namespace) -> int:
    from ..sealtext import reseal_text

    recipients = policy_of(args.root).age_recipients()
    keys = identities(args.identity)
    wanted = tuple(relative_to_root(args.root, p) for p in args.paths)
    done = failed = 0
    for rel, file, kind in _files(args.root):
        if wanted and not any(
            w in ("", ".") or rel == w or rel.startswith(w + "/") for w in wanted
        ):
            continue
        try:
            if kind is None:
                _reseal_attachment(file, keys, recipients)
            else:
                text, count = reseal_text(rel, read_text(file, rel), kind, keys, recipients)
                if not count:
                    continue
                file.write_text(text, "utf-8")
        except pyrage.DecryptError:
            sys.stderr.write(NOT_YOURS.format(rel=rel) + "\n")
            failed += 1
            continue
        except ValueError as exc:
            sys.stderr.write(f"{rel} 无法读取，未处理：{exc}\n")
            failed += 1
            continue
        done += 1
    sys.stdout.write(
        f"已重新加密 {done} 个文件" + (f"，{failed} 个无法解密。" if failed else "。") + "\n"
    )
    return EXIT_FINDINGS if failed else EXIT_OK
