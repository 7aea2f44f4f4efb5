"""``cebase new application|assessment --code USCC --cycle YEAR``: a commented blank form.

``cebase new cycle YEAR --from YEAR`` opens the next year's cycle (see ``newcycle``).
"""

from __future__ import annotations

import argparse
import sys

from ..idcodes import uscc_problem
from ..registry import Registry, scan
from ..rules.identity import uscc_message
from ..template import render, schema_ref
from . import EXIT_FINDINGS, EXIT_OK, UsageError, common, today

HEADER = (
    "填写说明：# 开头的行是说明，可以保留。冒号后面填写内容，冒号后要有一个空格。\n"
    "缩进只能用空格。填好后提交拉取请求，系统会自动检查并用中文指出需要修改的地方。"
)
SELF_REPORT = """# {name}继续教育基地运行情况自查报告

<!-- 不少于 1500 字（不计标点、空格和 Markdown 符号）。请勿填写身份证号、手机号等个人信息。 -->

## 一、建设情况

（师资队伍建设、教学场地设施、经费使用情况）

## 二、管理情况

（管理机构和人员设置；教学组织、学员考核、教学科研、收费依据及管理、后勤保障、效果评估、证书登记、年度计划与总结、宣传与服务等制度的建设与执行）

## 三、培训情况

（培训课程设置安排、年度培训任务完成情况、社会评价与影响）

## 四、申报专业情况

（拟增加或减少的培训专业及理由）

## 五、存在问题和改进措施
"""


def parents() -> list[argparse.ArgumentParser]:
    return [common()]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "kind",
        choices=["application", "assessment", "review", "cycle"],
        help="application = 申报，assessment = 年度自查，review = 评审记录（市人社局），"
        "cycle = 新年度的周期（市人社局使用）",
    )
    p.add_argument("year", nargs="?", help="cycle：新年度，如 2027")
    p.add_argument("--from", dest="from_cycle", help="cycle：沿用哪个年度，默认上一年")
    p.add_argument("--code", help="本单位统一社会信用代码（18 位）")
    p.add_argument("--cycle", help="年度，如 2026")


def _year(text: str | None, what: str) -> str:
    if not (text and len(text) == 4 and text.isdigit()):
        raise UsageError(f"{what}“{text or ''}”应为四位数字，如 2027。")
    return text


def run_cycle(args: argparse.Namespace) -> int:
    from ..newcycle import CycleError, open_cycle

    new_id = _year(args.year, "新年度")
    from_id = _year(args.from_cycle or str(int(new_id) - 1), "--from 年度")
    folder = args.root / "cycles" / new_id
    if folder.exists():
        sys.stderr.write(f"cebase：{folder} 已存在，未覆盖。如需重新生成，请先删除或改名。\n")
        return EXIT_FINDINGS
    try:
        made = open_cycle(scan(args.root), new_id, from_id, today(args))
    except CycleError as exc:
        raise UsageError(str(exc)) from None
    for rel, text in made.files.items():
        (args.root / rel).parent.mkdir(parents=True, exist_ok=True)
        (args.root / rel).write_text(text, "utf-8")
        sys.stdout.write(f"已生成 {rel}\n")
    sys.stdout.write(
        f"既有基地 {len(made.incumbents)} 个（{today(args)} 认定有效）。请按 cycle.yaml 中的中文说明"
        "填写新通知的标题和日期，然后运行 `cebase validate` 检查。\n"
    )
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    if args.kind == "cycle":
        return run_cycle(args)
    if not args.code or not args.cycle:
        raise UsageError("生成申报或年度自查模板需要 --code 本单位代码 和 --cycle 年度。")
    code = args.code.strip().upper()
    problem = uscc_problem(code)
    if problem:
        raise UsageError(uscc_message(code, problem))
    if not (len(args.cycle) == 4 and args.cycle.isdigit()):
        raise UsageError(f"年度“{args.cycle}”应为四位数字，如 2026。")
    reg = scan(args.root)
    if args.kind == "review":
        return _review(args, reg, code)
    folder = args.root / "submissions" / code
    target = folder / args.cycle / f"{args.kind}.yaml"
    if target.exists():
        sys.stderr.write(f"cebase：{target} 已存在，未覆盖。如需重新生成，请先删除或改名。\n")
        return EXIT_FINDINGS
    written = []
    inst_file = folder / "institution.yaml"
    if not inst_file.exists():
        inst_file.parent.mkdir(parents=True, exist_ok=True)
        inst_file.write_text(
            render("institution", schema_ref(inst_file, "institution"), {"uscc": code}, HEADER),
            "utf-8",
        )
        written.append(inst_file)
    prefill: dict[str, object] = {"cycle": args.cycle}
    notes: dict[str, dict[str, str]] = {}
    if args.kind == "assessment":
        prefill["self_report"] = "self-report.md"
        rubric = reg.cycle_data(args.cycle, "rubric")
        if rubric:
            notes["self_scores"] = {
                ind["id"]: ind["name"]
                + (f"（满分 {ind['max']} 分）" if "max" in ind else "（满分待市人社局确认）")
                for ind in rubric["indicators"]
            }
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        render(args.kind, schema_ref(target, args.kind), prefill, HEADER, notes=notes),
        "utf-8",
    )
    written.append(target)
    if args.kind == "assessment":
        report = target.parent / "self-report.md"
        if not report.exists():
            report.write_text(SELF_REPORT.format(name=""), "utf-8")
            written.append(report)
    (target.parent / "attachments").mkdir(exist_ok=True)
    for w in written:
        sys.stdout.write(f"已生成 {w.relative_to(args.root).as_posix()}\n")
    sys.stdout.write("请按文件中的中文说明填写，然后运行 `cebase validate` 检查。\n")
    return EXIT_OK


def _review(args: argparse.Namespace, reg: Registry, code: str) -> int:
    """The review skeleton that fits the base's stage on ``--now``."""
    from ..newreview import skeleton

    target = args.root / "submissions" / code / args.cycle / "review.yaml"
    if target.exists():
        sys.stderr.write(f"cebase：{target} 已存在，未覆盖。请直接在该文件中填写下一步。\n")
        return EXIT_FINDINGS
    made = skeleton(reg, code, args.cycle, today(args), schema_ref(target, "review"))
    if made.text is None:
        sys.stderr.write(f"cebase：{made.message}\n")
        return EXIT_FINDINGS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(made.text, "utf-8")
    sys.stdout.write(f"已生成 {target.relative_to(args.root).as_posix()}：{made.message}\n")
    return EXIT_OK
