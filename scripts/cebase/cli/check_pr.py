"""``cebase check-pr``: the pull-request gate (changed files, ownership, deadlines, touched records)."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..findings import has_errors
from ..report import REPORTERS
from . import EXIT_FINDINGS, EXIT_OK, UsageError, common, today

if TYPE_CHECKING:
    from ..gate import Result

# Beside the finding reporters: the whole structured report, and the comment rendered from it.
GATE_FORMATS = ("report", "comment")


def parents() -> list[argparse.ArgumentParser]:
    return [common([*REPORTERS, *GATE_FORMATS])]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--base", required=True, metavar="REF", help="目标分支（通常是 main）的提交")
    p.add_argument("--head", default="HEAD", metavar="REF", help="拉取请求的最新提交，默认 HEAD")
    p.add_argument("--author", default="", metavar="LOGIN", help="拉取请求作者的平台账号")
    p.add_argument("--trusted", action="store_true", help="作者是市人社局审核人员（由工作流判定）")
    p.add_argument(
        "--report-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="把结构化报告写入 DIR/report.json，并把由它生成的评论写入 DIR/comment.md",
    )
    p.add_argument(
        "--forms-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="把本次涉及的申报或年度自查的可打印表格写入 DIR/<统一社会信用代码>-<年度>.html"
        "（只差盖章扫描件时为草稿），并在报告中列出",
    )


def _output(fmt: str, result: Result, report: Callable[[], dict[str, Any]]) -> str:
    from ..gate import comment

    if fmt == "report":
        return json.dumps(report(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "comment":
        return comment.render(report())
    return REPORTERS[fmt](result.findings, result.files)


def run(args: argparse.Namespace) -> int:
    from .. import gate
    from ..gate import printable
    from ..gate import report as gate_report
    from ..git import GitError, NotARepository

    now = today(args)
    with tempfile.TemporaryDirectory(prefix="cebase-gate-") as tmp:
        try:
            result = gate.run(
                args.root,
                args.base,
                args.head,
                Path(tmp),
                author=args.author,
                trusted=args.trusted,
                now=now,
            )
        except NotARepository:
            raise UsageError(f"{args.root} 不在 Git 仓库中，check-pr 需要在仓库中运行。") from None
        except (gate.BadRevision, GitError) as exc:
            raise UsageError(
                f"无法找到提交 --base {args.base} / --head {args.head}：{exc}"
            ) from None
        forms = [] if args.forms_dir is None else printable.print_forms(result, args.forms_dir)
        built: dict[str, Any] = {}

        def report() -> dict[str, Any]:
            if not built:
                built.update(gate_report.build(result, forms=forms))
            return built

        sys.stdout.write(_output(args.format, result, report))
        if args.report_dir is not None:
            write_reports(args.report_dir, report())
    return EXIT_FINDINGS if has_errors(result.findings) else EXIT_OK


def write_reports(folder: Path, report: dict[str, Any]) -> None:
    """report.json (the structured report) and comment.md (rendered from it, for the job summary)."""
    from ..gate import comment

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (folder / "comment.md").write_text(comment.render(report), encoding="utf-8")
