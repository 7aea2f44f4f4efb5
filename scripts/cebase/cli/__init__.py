"""The ``cebase`` command: a thin layer of argument parsing over the core.

Each subcommand is a module in this package with ``add_arguments(parser)`` and
``run(args) -> int``. Exit codes are a contract: 0 clean, 1 findings of
severity error, 2 usage or internal failure. No traceback reaches a user.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from .. import __version__

COMMANDS = {
    "validate": ("validate", "校验登记册中的全部（或指定的）记录"),
    "new": ("new", "生成带中文注释的申报或年度自查模板"),
    "status": ("status", "评审队列：各单位在某日的阶段、状态、待办和逾期事项"),
    "remind": ("remind", "待办提醒：各单位尚须提交的材料、截止日期和今天应提醒的维护账号"),
    "checklist": ("checklist", "一份材料的审核清单（自动项已判定）"),
    "form": ("form", "把一份材料生成可打印盖章的正式表格（附件1、2、3）"),
    "check-pr": ("check_pr", "拉取请求检查：修改范围、维护账号、截止日期和涉及的记录"),
    "build": ("build", "校验后生成公开网站（原子替换输出文件夹）"),
    "serve": ("serve", "生成网站并在本机 127.0.0.1 上预览"),
    "seal": ("seal", "把记录中的个人信息字段或附件加密给市人社局（cycles/recipients.txt）"),
    "open": ("open", "用审核人的密钥打开加密的记录或附件（只输出到本机）"),
    "reseal": ("reseal", "接收方变更后，用审核人的密钥把全部加密内容重新加密"),
}
# Command modules import heavy dependencies (MkDocs, Git) inside ``run`` only,
# so that ``cebase validate`` starts fast.

EXIT_OK, EXIT_FINDINGS, EXIT_FAILURE = 0, 1, 2


class UsageError(Exception):
    """A problem with how the command was called (exit 2)."""


# argparse's own texts (usage, group titles, -h, its error messages) in Chinese: a
# message catalogue, as gettext would supply, for the texts argparse passes to ``_``.
ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "不认识的参数：%s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "参数 %s 中必须给出一个",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "此选项不带值，多余的值 %r",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多只能有一个值",
    "expected at least one argument": "至少需要一个值",
    "expected %s argument": "需要 %s 个值",
    "expected %s arguments": "需要 %s 个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "unexpected option string: %s": "意外的选项 %s",
    "invalid %(type)s value: %(value)r": "值 %(value)r 无效（应为 %(type)s）",
    "invalid choice: %(value)r (choose from %(choices)s)": "“%(value)s”不是可选值（可选：%(choices)s）",
}


@contextlib.contextmanager
def chinese_argparse() -> Iterator[None]:
    """While parsers are built and used, argparse looks its texts up in ``ARGPARSE_ZH``."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._ = lambda text: ARGPARSE_ZH.get(text, text)  # type: ignore[attr-defined]
    argparse.ngettext = lambda one, many, n: ARGPARSE_ZH.get(one if n == 1 else many, many)
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"cebase：命令用法错误：{message}\n运行 `cebase --help` 查看用法。\n")
        raise SystemExit(EXIT_FAILURE)


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日期“{text}”应写成 YYYY-MM-DD，例如 2025-11-07"
        ) from None


def common(formats: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """Options every subcommand shares."""
    p = _Parser(add_help=False)
    p.add_argument(
        "--root",
        type=Path,
        default=Path("."),
        help="登记册根目录（含 cycles/ 和 submissions/），默认当前目录",
    )
    p.add_argument(
        "--now",
        type=parse_date,
        default=None,
        help="按此日期判断截止和状态（YYYY-MM-DD），默认今天",
    )
    if formats:
        p.add_argument("--format", choices=list(formats), default=formats[0], help="输出格式")
    return p


# The bureau's calendar: deadlines end at midnight China Standard Time, whatever
# time zone the machine (a CI runner is on UTC) is set to.
CHINA = timezone(timedelta(hours=8), "CST")


def today(args: argparse.Namespace) -> date:
    """The date rules run at: ``--now`` or today in China, read here and only here."""
    return args.now or datetime.now(CHINA).date()


def relative_to_root(root: Path, given: str) -> str:
    """A user-given path, as a registry-relative POSIX path."""
    p = Path(given)
    candidates = [p] if p.is_absolute() else [Path.cwd() / p, root / p]
    for c in candidates:
        try:
            return c.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            continue
    raise UsageError(f"路径“{given}”不在登记册根目录 {root} 之内。")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cebase", description="乌鲁木齐市市级专业技术人员继续教育基地登记册工具")
    parser.add_argument(
        "--version", action="version", version=f"cebase {__version__}", help="显示版本号并退出"
    )
    subs = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    for name, (module, help_text) in COMMANDS.items():
        mod = importlib.import_module(f".{module}", __name__)
        sub = subs.add_parser(name, help=help_text, description=help_text, parents=mod.parents())
        mod.add_arguments(sub)
        sub.set_defaults(_run=mod.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    with chinese_argparse():
        parser = build_parser()
        args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        with chinese_argparse():
            parser.print_help()
        return EXIT_FAILURE
    if hasattr(args, "root") and not args.root.is_dir():
        sys.stderr.write(
            f"cebase：登记册根目录 {args.root} 不存在。请用 --root 指定正确的文件夹。\n"
        )
        return EXIT_FAILURE
    try:
        return int(args._run(args))
    except UsageError as exc:
        sys.stderr.write(f"cebase：{exc}\n")
        return EXIT_FAILURE
    except KeyboardInterrupt:
        sys.stderr.write("cebase：已中断。\n")
        return EXIT_FAILURE
    except Exception as exc:  # the contract: exit 2, never a traceback for a user
        if os.environ.get("CEBASE_DEBUG"):
            raise
        sys.stderr.write(
            f"cebase：内部错误（{type(exc).__name__}）。这不是您的文件的问题，请联系系统技术服务 0991-3193615；"
            "维护人员可设置环境变量 CEBASE_DEBUG=1 查看详细信息。\n"
        )
        return EXIT_FAILURE
