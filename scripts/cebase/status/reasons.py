"""The engine's words: its rules, the reason each status gives, what a notice says.

Three tables, each keyed by what it explains: ``RULES`` (rule id → what the
rule means), the nodes of the two flows (node → status, rule id and reason
text; a node is a place in the flow, finer than a rule), and ``NOTICE_REASONS``
(rule id → the reason a public notice states for a revocation).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..model import Status

RULES: Mapping[str, str] = {
    "status-not-filed": "尚未提交任何材料",
    "status-submitted": "申报已提交，等待初审",
    "status-preliminary-passed": "初审通过，等待专家评审和结论",
    "status-returned": "初审或评审退回",
    "status-refused": "专家评审后不予认定",
    "status-veto": "查实一票否决事项，不予认定或取消资格",
    "status-publicity-pending": "拟认定，等待公示",
    "status-publicity-running": "拟认定，公示期内",
    "status-objection-upheld": "公示期内异议成立，不予认定",
    "status-publicity-ended": "公示期满无成立的异议，予以认定",
    "status-incumbent": "本登记册启用前已认定的基地（cycle.yaml 的 incumbents）",
    "status-awaiting-self-inspection": "已认定，年度自查截止日期未到，尚未提交",
    "status-self-inspection-filed": "年度自查材料已提交，等待初审或专家评审",
    "status-overdue": "截止日期前未提交年度自查材料，视为自动放弃考核评估",
    "status-forfeit-revoked": "逾期未报，市人社局取消资格",
    "status-assessment-outcome": "年度考核结论",
    "status-rectify": "限期整改，整改期限未到",
    "status-rectify-overdue": "整改期限已过，尚无复查结论",
    "status-recheck": "整改复查结论",
    "status-expired": "认定有效期已满",
}

# Why a base lost its certification, as the 取消资格公告 states it (by the deciding rule).
NOTICE_REASONS: Mapping[str, str] = {
    "status-forfeit-revoked": "逾期未报送自查材料（视为自动放弃）",
    "status-assessment-outcome": "考核不合格",
    "status-veto": "一票否决（{vetoes}）",
    "status-recheck": "限期整改后复查仍不合格",
}


@dataclass(frozen=True)
class Node:
    """A place in a flow: the status it shows, the rule that put it there, why (a template)."""

    status: Status
    rule: str
    reason: str


_RETURNED = Node(
    Status.RETURNED, "status-returned", "{day} {step}退回，请按意见修改或补正后重新提交。"
)

APPLICATION_NODES: Mapping[str, Node] = {
    "not-filed": Node(
        Status.NOT_FILED, "status-not-filed", "尚未提交 {cycle} 年度申报（申报表日期 {filed}）。"
    ),
    "invalid": Node(
        Status.SUBMITTED, "status-submitted", "申报材料已提交，但未通过校验，待修正后初审。"
    ),
    "submitted": Node(
        Status.SUBMITTED, "status-submitted", "申报于 {filed} 提交{timing}，等待初审。"
    ),
    "preliminary-passed": Node(
        Status.UNDER_REVIEW,
        "status-preliminary-passed",
        "{prelim} 初审通过，等待专家评审和评审结论。",
    ),
    "returned": _RETURNED,
    "refused": Node(Status.REFUSED, "status-refused", "{day} 不予认定（{basis}）。"),
    "refused-veto": Node(
        Status.REFUSED, "status-veto", "{day} 不予认定（查实一票否决事项：{vetoes}）。"
    ),
    "proposed": Node(Status.PROPOSED, "status-publicity-pending", "拟认定，尚未安排公示。"),
    "scheduled": Node(
        Status.PROPOSED,
        "status-publicity-pending",
        "拟认定，公示将于 {start} 开始（{days} 个工作日）。",
    ),
    "publicity-running": Node(
        Status.PROPOSED,
        "status-publicity-running",
        "拟认定，公示期 {start} 至 {end}（{days} 个工作日）。",
    ),
    "objection-upheld": Node(
        Status.OBJECTION_UPHELD,
        "status-objection-upheld",
        "公示期内收到的异议经核查成立（{day}），不予认定。",
    ),
    "certified": Node(
        Status.CERTIFIED,
        "status-publicity-ended",
        "公示期 {start} 至 {end} 已满，无成立的异议，自 {day} 起认定，有效期至 {valid_until}。",
    ),
}

_GRADED = "{day} {assessed_year} 年度考核结论为{decision}{score_text}，继续认定。"
_REVOKED = "{day} 取消继续教育基地资格（{why}）。"
_REVOKED_FOR = "逾期未报年度自查材料，视为自动放弃考核评估"
ASSESSMENT_NODES: Mapping[str, Node] = {
    "awaiting": Node(
        Status.AWAITING_SELF_INSPECTION,
        "status-awaiting-self-inspection",
        "已认定基地，须在 {last} 前提交 {assessed_year} 年度自查材料。",
    ),
    "overdue": Node(
        Status.OVERDUE,
        "status-overdue",
        "截止日期 {last} 前未提交年度自查材料，视为自动放弃考核评估，待市人社局作出取消资格决定。",
    ),
    "late": Node(
        Status.OVERDUE,
        "status-overdue",
        "年度自查材料于 {filed} 提交，晚于截止日期 {last} 且无延期，视为自动放弃考核评估。",
    ),
    "submitted": Node(
        Status.SELF_INSPECTION_FILED,
        "status-self-inspection-filed",
        "年度自查材料于 {filed} 提交，等待初审。",
    ),
    "preliminary-passed": Node(
        Status.SELF_INSPECTION_FILED,
        "status-self-inspection-filed",
        "年度自查材料于 {filed} 提交，{prelim} 初审通过，等待专家评审和考核结论。",
    ),
    "returned": _RETURNED,
    "excellent": Node(Status.EXCELLENT, "status-assessment-outcome", _GRADED),
    "pass": Node(Status.PASS, "status-assessment-outcome", _GRADED),
    "rectify": Node(
        Status.RECTIFY, "status-rectify", "{day} 考核结论为限期整改，整改期限至 {deadline}。"
    ),
    "rectify-overdue": Node(
        Status.RECTIFY_OVERDUE,
        "status-rectify-overdue",
        "整改期限 {deadline} 已过，尚无复查结论。请组织复查并录入 outcome.recheck。",
    ),
    "recheck-pass": Node(Status.PASS, "status-recheck", "{day} 整改复查合格，继续认定。"),
    "recheck-revoked": Node(
        Status.REVOKED, "status-recheck", "{day} 整改复查仍未达到要求，取消继续教育基地资格。"
    ),
    "revoked": Node(
        Status.REVOKED, "status-assessment-outcome", _REVOKED.replace("{why}", "考核总分 {score}")
    ),
    "revoked-veto": Node(
        Status.REVOKED, "status-veto", _REVOKED.replace("{why}", "查实一票否决事项：{vetoes}")
    ),
    "revoked-forfeit": Node(
        Status.REVOKED, "status-forfeit-revoked", _REVOKED.replace("{why}", _REVOKED_FOR)
    ),
}

# What the bureau (or the institution) has still to do at a node.
MISSING: Mapping[str, tuple[str, ...]] = {
    "invalid": ("修正校验错误", "初审"),
    "submitted": ("初审",),
    "proposed": ("公示",),
    "awaiting": ("年度自查材料",),
    "overdue": ("年度自查材料（已逾期）", "取消资格决定"),
    "late": ("取消资格决定",),
    "rectify-overdue": ("整改复查",),
}


class _Facts(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "—"


def reason(template: str, facts: Mapping[str, Any]) -> str:
    """A reason text with the facts filled in (a fact not known reads "—")."""
    return template.format_map(_Facts(facts))


def notice_reason(rule: str, facts: Mapping[str, Any]) -> str:
    """The public reason of a revocation decided by ``rule``."""
    return reason(NOTICE_REASONS.get(rule, NOTICE_REASONS["status-assessment-outcome"]), facts)
