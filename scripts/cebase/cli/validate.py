"""``cebase validate [PATH...]``: every record under the root, or just those paths."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from ..findings import has_errors
from ..report import REPORTERS
from ..validate import validate_root
from . import EXIT_FINDINGS, EXIT_OK, common, relative_to_root
from .seal import add_identity, keyring


def parents() -> list[argparse.ArgumentParser]:
    return [common(list(REPORTERS))]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help="只校验这些文件或文件夹（默认全部）")
    add_identity(p, required=False)


def progress_printer() -> Callable[[int, int], None] | None:
    """Progress on the terminal only: logs and machine-readable output stay clean."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        if total >= 500:
            end = "\n" if done == total else ""
            sys.stderr.write(f"\r正在检查：{done}/{total} 个文件{end}")
            sys.stderr.flush()

    return show


def run(args: argparse.Namespace) -> int:
    paths = [relative_to_root(args.root, p) for p in args.paths] or None
    result = validate_root(
        args.root, paths, now=args.now, progress=progress_printer(), keys=keyring(args)
    )
    sys.stdout.write(REPORTERS[args.format](result.findings, result.files))
    return EXIT_FINDINGS if has_errors(result.findings) else EXIT_OK
