"""``cebase checklist PATH``: the review checklist of one submission, automatic items decided."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from . import EXIT_OK, UsageError, common, relative_to_root, today
from .seal import add_identity, keyring

if TYPE_CHECKING:
    from ..registry import Registry, Submission


def parents() -> list[argparse.ArgumentParser]:
    return [common()]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "path",
        metavar="PATH",
        help="一份材料的年度文件夹或其中的文件，例如 submissions/<统一社会信用代码>/2026",
    )
    add_identity(p, required=False)


def find_submission(reg: Registry, rel: str) -> Submission:
    """The submission folder ``rel`` is, or is inside of."""
    parts = rel.split("/")
    if len(parts) >= 3 and parts[0] == "submissions":
        inst = reg.institutions.get(parts[1])
        sub = inst.submissions.get(parts[2]) if inst is not None else None
        if sub is not None:
            return sub
    raise UsageError(
        f"“{rel}”不是一份材料的年度文件夹。请给出 submissions/<统一社会信用代码>/<年度> 文件夹或其中的文件。"
    )


def run(args: argparse.Namespace) -> int:
    from ..checklist import render_checklist
    from ..registry import scan

    reg = scan(args.root)
    if (keys := keyring(args)) is not None:
        reg.unlock(keys)  # sealed values opened: the checks that read them run too
    sub = find_submission(reg, relative_to_root(args.root, args.path))
    sys.stdout.write(render_checklist(reg, sub, today(args)))
    return EXIT_OK
