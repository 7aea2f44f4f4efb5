"""``cebase build [-o DIR]``: validate, then build the public site atomically."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from ..findings import Finding, Severity, has_errors
from ..report import REPORTERS
from ..site.engine import ENGINES
from . import EXIT_FAILURE, EXIT_FINDINGS, EXIT_OK, common, today


def parents() -> list[argparse.ArgumentParser]:
    return [common(list(REPORTERS))]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("site"),
        help="网站输出文件夹（默认 site/）；生成成功后整体替换",
    )
    p.add_argument(
        "--site-url",
        default=None,
        help="网站的正式网址（用于站点地图和订阅），例如 https://jxjy.example.gov.cn/",
    )
    p.add_argument(
        "--engine",
        choices=ENGINES,
        default=None,
        help="渲染网页的引擎：mkdocs（默认）或 properdocs；也可用环境变量 CEBASE_ENGINE 设置",
    )


# What each stage of a build is doing, for a person watching the terminal.
STAGES = {
    "validate": "读取并检查登记册",
    "status": "推算各基地的状态",
    "pages": "生成页面和开放数据",
    "rules": "等待规则检查完成",
    "engine": "渲染网页",
    "search": "建立站内搜索索引",
    "publish": "替换为新网站",
}


def progress_printer() -> Callable[[str], None] | None:
    """Stage by stage on the terminal only: logs and reports stay clean."""
    if not sys.stderr.isatty():
        return None

    def show(stage: str) -> None:
        sys.stderr.write(f"cebase：正在{STAGES.get(stage, stage)}……\n")
        sys.stderr.flush()

    return show


def _worth_showing(findings: list[Finding], fmt: str) -> list[Finding]:
    """Errors and warnings; hints only in the machine-readable report (a sealed registry
    has one for every check that waits for the bureau's key)."""
    if fmt == "json":
        return findings
    return [f for f in findings if f.severity is not Severity.INFO]


def build(args: argparse.Namespace, out: Path) -> int:
    from ..site.build import build_site  # the engine and Pagefind: only when building

    result = build_site(
        args.root,
        out,
        today(args),
        site_url=args.site_url,
        engine=getattr(args, "engine", None),
        progress=progress_printer(),
    )
    shown = _worth_showing(result.findings, args.format)
    if shown or (not result.ok and not result.messages):
        sys.stdout.write(REPORTERS[args.format](shown, result.files))
    if hints := len(result.findings) - len(shown):
        sys.stderr.write(
            f"cebase：另有 {hints} 条提示（例如留待市人社局用密钥核对的检查），"
            "运行 cebase validate 可查看。\n"
        )
    for message in result.messages:
        sys.stderr.write(f"cebase：{message}\n")
    if not result.ok:
        if has_errors(result.findings):  # info findings (checks waiting for a key) are no errors
            sys.stderr.write("cebase：登记册有错误，未生成网站（原有网站保持不变）。\n")
            return EXIT_FINDINGS
        sys.stderr.write("cebase：网站生成失败，原有网站保持不变。\n")
        return EXIT_FAILURE
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    code = build(args, args.output)
    if code == EXIT_OK:
        sys.stdout.write(f"网站已生成：{args.output.resolve()}\n")
    return code
