"""``cebase new review``: the review skeleton that fits where the base stands.

The status engine says where an institution stands on the date; the bureau's
next step decides the skeleton: the 初审 of a filed application or
self-inspection, or the revocation of a base that filed nothing by the
deadline (no invented 初审: ``outcome.forfeit``). Later steps (expert review,
outcome, 公示) are written as comments to uncomment when they happen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .model import BaseStatus
from .registry import Registry
from .status import evaluate
from .vocab import Decision, Kind

HEADER = (
    "# 市人社局评审记录：由市人社局专业技术人员管理科填写，申报单位不得修改。\n"
    "# 以 # 开头的行是说明；到了相应步骤，把该段前面的 # 去掉再填写。\n"
)
PRELIMINARY = """preliminary:  # 初审
  result: {passed}  # 通过 或 退回；退回时写明 reasons
  reviewer: ""  # 初审人的平台账号，例如 reviewer-a
  date: {now}  # 初审完成日期
  # reasons: [法人登记证书复印件未加盖单位印章。]  # 退回理由或初审意见，不公开
"""
EXPERTS = """# 专家评审（初审通过后）：3-9 位专家按 rubric.yaml 各指标打分
# expert_review:
#   methods: [实地验证, 查验资料, 综合评估]
#   date: YYYY-MM-DD
#   experts:
#     - id: E1
#       name: 专家姓名  # 不公开
#       scores: {{{indicators}}}
"""
APPROVALS = """# 复核：第二名评审人员的账号，须不同于初审人
approvals: []
"""


@dataclass(frozen=True)
class Skeleton:
    text: str | None  # None: no review fits the base's stage yet
    message: str  # Chinese: what was written, or why nothing was


def _indicators(reg: Registry, cycle: str) -> str:
    rubric = reg.cycle_data(cycle, Kind.RUBRIC) or {}
    return ", ".join(f"{i['id']}: " for i in rubric.get("indicators", []))


def _specialties(items: Any, key: str, pad: str = "") -> str:
    """A commented list of specialties, ready to uncomment under ``key``."""
    lines = [f"# {pad}{key}:"]
    for item in items or []:
        lines.append(f"# {pad}  - code: {item['code']}")
        if item.get("levels"):
            lines.append(f"# {pad}    levels: [{', '.join(item['levels'])}]")
    return "\n".join(lines) + "\n"


def _application(reg: Registry, cycle: str, data: Mapping[str, Any], now: date) -> str:
    return (
        PRELIMINARY.format(passed=Decision.PRELIMINARY_PASSED, now=now)
        + "\n"
        + EXPERTS.format(indicators=_indicators(reg, cycle))
        + "\n# 评审结论（专家评审后）：拟认定、不予认定 或 退回\n"
        "# outcome:\n#   decision: 拟认定\n#   date: YYYY-MM-DD\n"
        "\n# 公示（拟认定时）：第一天须为工作日，工作日数不写时按 cycle.yaml\n"
        "# publicity:\n#   start: YYYY-MM-DD\n"
        "\n# 认定的专业和级别（拟认定时），只能是下面申报过的：\n"
        + _specialties(data.get("specialties"), "approved_specialties")
    )


def _assessment(reg: Registry, cycle: str, data: Mapping[str, Any], now: date) -> str:
    changes = data.get("specialty_changes") or {}
    text = (
        PRELIMINARY.format(passed=Decision.PRELIMINARY_PASSED, now=now)
        + "\n"
        + EXPERTS.format(indicators=_indicators(reg, cycle))
        + "\n# 考核结论（专家评审后）：优秀、合格、限期整改（须写 rectification_deadline）、取消资格 或 退回\n"
        "# outcome:\n#   decision: 合格\n#   date: YYYY-MM-DD\n"
    )
    if changes:
        text += "\n# 批准的专业增减（基地在 assessment.yaml 中申请的）：\n# approved_changes:\n"
        for key in ("add", "drop"):
            if changes.get(key):
                text += _specialties(changes[key], key, "  ")
    return text


def _forfeit(now: date, last: str) -> str:
    return (
        "# 逾期未报：截止日期前未报送年度自查材料，视为自动放弃考核评估，取消资格。\n"
        "# 没有材料可初审，所以不写 preliminary 和 expert_review。\n"
        "outcome:\n"
        f"  decision: {Decision.REVOKED}\n"
        "  forfeit: true  # 逾期未报（视为自动放弃）\n"
        f"  date: {now}  # 作出取消资格决定的日期\n"
        f"  reasons: [截止日期 {last} 前未报送年度自查材料，视为自动放弃考核评估。]  # 不公开\n"
    )


def _stage(st: BaseStatus, cycle: str) -> str | None:
    """The bureau's next step on this base in ``cycle``, if it is a review's."""
    if st.cycle != cycle:
        return None
    if st.rule == "status-submitted":
        return Kind.APPLICATION
    if st.rule == "status-self-inspection-filed" or (
        st.rule == "status-overdue" and st.decided_by.endswith("assessment.yaml")
    ):
        return Kind.ASSESSMENT
    if st.rule == "status-overdue":
        return "forfeit"
    return None


def skeleton(reg: Registry, uscc: str, cycle: str, now: date, schema_ref: str) -> Skeleton:
    """The review file for ``uscc`` in ``cycle`` on ``now``, or why none fits yet."""
    st = evaluate(reg, now).get(uscc)
    if st is None:
        return Skeleton(
            None, f"登记册中没有单位 {uscc}（submissions/{uscc}/）。请核对统一社会信用代码。"
        )
    stage = _stage(st, cycle)
    if stage is None:
        return Skeleton(
            None,
            f"{uscc} 在 {now} 的状态是“{st.status}”：{st.reason}此时没有需要新建的 {cycle} 年度评审记录。",
        )
    head = f'cycle: "{cycle}"\nsubject: {Kind.ASSESSMENT if stage == "forfeit" else stage}\n'
    if stage == "forfeit":
        body = _forfeit(now, st.deadlines[0].date if st.deadlines else "")
    else:
        rec = reg.institutions[uscc].submissions[cycle].get(stage)
        data = rec.data if rec is not None and rec.valid else {}
        make = _application if stage == Kind.APPLICATION else _assessment
        body = make(reg, cycle, data or {}, now)
    text = f"# yaml-language-server: $schema={schema_ref}\n{HEADER}{head}{body}\n{APPROVALS}"
    what = {Kind.APPLICATION: "申报初审", Kind.ASSESSMENT: "年度自查初审"}.get(
        stage, "逾期未报取消资格"
    )
    return Skeleton(text, f"按当前状态“{st.status}”生成{what}的评审记录。")
