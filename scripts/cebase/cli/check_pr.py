"""``cebase check-pr``: the pull-request gate (changed files, ownership, deadlines, touched records)."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ..findings import Severity, has_errors
from ..idcodes import redact_ids
from ..report import REPORTERS
from . import EXIT_FINDINGS, EXIT_OK, UsageError, common, today

if TYPE_CHECKING:
    from ..gate import ChecklistFn, Result


def parents() -> list[argparse.ArgumentParser]:
    return [common(list(REPORTERS))]


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
        help="把拉取请求报告写入 DIR/report.md 和 DIR/report.json",
    )


def _checklist() -> ChecklistFn | None:
    """The checklist renderer, if the checklist module is installed (it is optional here)."""
    try:
        from ..checklist import render_checklist
    except ImportError:
        return None
    return render_checklist


def run(args: argparse.Namespace) -> int:
    import git

    from .. import gate

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
        except git.InvalidGitRepositoryError:
            raise UsageError(f"{args.root} 不在 Git 仓库中，check-pr 需要在仓库中运行。") from None
        except (git.BadName, ValueError) as exc:
            raise UsageError(
                f"无法找到提交 --base {args.base} / --head {args.head}：{exc}"
            ) from None
        sys.stdout.write(REPORTERS[args.format](result.findings, result.files))
        if args.report_dir is not None:
            write_reports(args.report_dir, result, gate.render_markdown(result, _checklist()))
    return EXIT_FINDINGS if has_errors(result.findings) else EXIT_OK


def write_reports(folder: Path, result: Result, markdown: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.md").write_text(markdown, encoding="utf-8")
    errors = sum(f.severity is Severity.ERROR for f in result.findings)
    req = result.request
    body = {
        "ok": errors == 0,
        "errors": errors,
        "warnings": len(result.findings) - errors,
        "files": result.files,
        "author": req.author,
        "trusted": req.trusted,
        "now": req.now.isoformat(),
        "changes": [
            {
                "path": redact_ids(c.path),
                "status": c.status,
                "old_path": redact_ids(c.old_path) if c.old_path else c.old_path,
                "mode": f"{c.mode:06o}",
            }
            for c in result.changes
        ],
        "submissions": [
            {"uscc": s.uscc, "cycle": s.cycle, "kinds": sorted(s.records)}
            for s in result.submissions
        ],
        "findings": [f.as_dict() for f in result.findings],
    }
    (folder / "report.json").write_text(
        json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
