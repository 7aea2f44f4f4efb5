"""Staging and the atomic swap: a failed build leaves the previous site untouched.

Everything is built in a temporary folder beside the output (same file system)
and swapped in by renames; a marker file says which folders we may replace.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

MARKER = ".cebase-site"  # marks a folder we may replace


class BuildFailed(Exception):
    """The engine, the search indexer or our own generation failed; the message is Chinese."""


def check_output(out: Path) -> None:
    """Refuse to replace a folder that we did not build."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise BuildFailed(
            f"输出位置 {out} 已存在且不是本工具生成的网站，为避免误删，已停止。"
            "请用 -o 指定一个新的或空的文件夹。"
        )


@contextlib.contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A fresh work folder beside ``out``, removed afterwards whatever happens."""
    check_output(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.build-", dir=out.parent))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def swap(new: Path, out: Path) -> None:
    """Mark ``new`` as ours and replace ``out`` by it with renames only."""
    (new / MARKER).write_text("cebase\n", "utf-8")
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        os.rename(out, old)
    try:
        os.rename(new, out)
    except OSError:
        if old.exists():
            os.rename(old, out)
        raise
    if old.exists():
        shutil.rmtree(old)
