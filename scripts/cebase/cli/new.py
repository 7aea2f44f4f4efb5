"""``cebase new application|assessment --code USCC --cycle YEAR``: a commented blank form."""

from __future__ import annotations

import argparse
import sys

from ..idcodes import uscc_problem
from ..registry import Registry, scan
from ..rules.identity import uscc_message
from ..template import render
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
        choices=["application", "assessment", "review"],
        help="application = 申报，assessment = 年度自查，review = 评审记录（市人社局）",
    )
    p.add_argument("--code", required=True, help="本单位统一社会信用代码（18 位）")
    p.add_argument("--cycle", required=True, help="年度，如 2026")


def run(args: argparse.Namespace) -> int:
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
            render("institution", "../../schemas/institution.schema.json", {"uscc": code}, HEADER),
            "utf-8",
        )
        written.append(inst_file)
    prefill: dict[str, object] = {"cycle": args.cycle}
    if args.kind == "assessment":
        prefill["self_report"] = "self-report.md"
        rubric = reg.cycle_data(args.cycle, "rubric")
        if rubric:
            prefill["self_scores"] = {
                ind["id"]: f"  # {ind['name']}（满分 {ind['max']} 分）"
                for ind in rubric["indicators"]
            }
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        render(args.kind, "../../../schemas/" + f"{args.kind}.schema.json", prefill, HEADER),
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
    made = skeleton(reg, code, args.cycle, today(args))
    if made.text is None:
        sys.stderr.write(f"cebase：{made.message}\n")
        return EXIT_FINDINGS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(made.text, "utf-8")
    sys.stdout.write(f"已生成 {target.relative_to(args.root).as_posix()}：{made.message}\n")
    return EXIT_OK
