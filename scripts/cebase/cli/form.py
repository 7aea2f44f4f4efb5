"""``cebase form PATH -o FILE.html``: a submission as the official paper form (附件1, 2, 3)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import EXIT_FINDINGS, EXIT_OK, UsageError, common, relative_to_root, today
from .seal import add_identity, keyring


def parents() -> list[argparse.ArgumentParser]:
    return [common()]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "path",
        metavar="PATH",
        help="申报或年度自查的年度文件夹或其中的文件，例如 submissions/<统一社会信用代码>/2026",
    )
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="FILE.html",
        help="输出的 HTML 文件（用浏览器打印为 A4）",
    )
    p.add_argument(
        "--form",
        choices=["1", "2", "3"],
        action="append",
        default=None,
        help="只生成指定附件：1 申报表，2 考核评估表，3 收支情况统计表（可重复；默认该材料适用的全部）",
    )
    add_identity(p, required=False)


def run(args: argparse.Namespace) -> int:
    from ..armour import SealedValue
    from ..findings import Severity
    from ..forms import forms_for, render, stamped_gaps
    from ..registry import scan
    from ..report import text
    from ..validate import validate
    from .checklist import find_submission

    reg = scan(args.root)
    if (keys := keyring(args)) is not None:
        reg.unlock(keys)
    sub = find_submission(reg, relative_to_root(args.root, args.path))
    available = forms_for(sub)
    if not available:
        raise UsageError(
            f"{sub.folder} 中没有申报（application.yaml）或年度自查（assessment.yaml），无法生成表格。"
        )
    wanted = args.form or available
    unknown = [f for f in wanted if f not in available]
    if unknown:
        raise UsageError(
            f"{sub.folder} 只能生成{'、'.join('附件' + f for f in available)}，不能生成{'、'.join('附件' + f for f in unknown)}。"
        )
    inst = reg.institutions[sub.uscc]
    paths = [sub.folder] + ([inst.record.relpath] if inst.record is not None else [])
    result = validate(reg, paths, now=today(args))
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    rec = sub.get("application") or sub.get("assessment")
    gaps = stamped_gaps(errors, rec.data if rec is not None else None)
    if (errors and gaps is None) or inst.record is None:
        sys.stderr.write(text(errors, result.files))
        sys.stderr.write("cebase：材料有错误，未生成表格。请先修正以上问题。\n")
        return EXIT_FINDINGS
    try:
        html = render(reg, sub, wanted, draft=bool(gaps))
    except SealedValue:
        raise UsageError(
            "本材料的加密字段需要市人社局审核人的密钥才能填入表格。请加上 --identity 密钥文件 后重试。"
        ) from None
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(html, encoding="utf-8")
    names = "、".join("附件" + f for f in wanted)
    if gaps:
        sys.stdout.write(
            f"已生成草稿 {args.output}（{names}，每页带“草稿（未盖章）”水印）。"
            f"材料只差盖章扫描件：{'、'.join(gaps)}。\n"
            "请打印草稿核对、签字盖章，把盖章后的扫描件上传到 attachments/ 文件夹并在表单中填写文件路径，"
            "再运行本命令生成正式表格。\n"
        )
        return EXIT_OK
    sys.stdout.write(f"已生成 {args.output}（{names}）。请用浏览器打开并打印为 A4 纸张。\n")
    return EXIT_OK
