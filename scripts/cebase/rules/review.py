"""The bureau's review file: it reviews something that exists, scores and outcome agree."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..findings import Finding
from ..registry import Record
from ..scoring import dec, expected_decision, is_forfeit
from ..vocab import (
    APPLICATION_DECISIONS,
    ASSESSMENT_DECISIONS,
    SUBMISSION_KINDS,
    Decision,
    Kind,
    kind_name,
)
from . import Context, at, rule

SUBJECT_NAMES = {kind: f"{kind_name(kind)}（{kind}.yaml）" for kind in SUBMISSION_KINDS}


@rule("review-subject", Kind.REVIEW)
def check_subject(rec: Record, ctx: Context) -> Iterator[Finding]:
    """A review reviews a submission present in the same folder."""
    sub = ctx.submission_of(rec)
    subject = rec.data["subject"]
    if is_forfeit(rec.data):
        return  # 逾期未报: the bureau revokes a base that filed nothing
    if sub is not None and subject not in sub.records:
        yield at(
            rec,
            ("subject",),
            "review-subject",
            f"评审对象是{SUBJECT_NAMES[subject]}，但同一文件夹中没有该文件。请核对 subject 或文件位置。",
        )


@rule("review-scores", Kind.REVIEW)
def check_scores(rec: Record, ctx: Context) -> Iterator[Finding]:
    """Each expert scores every rubric indicator, within its maximum."""
    index = ctx.index(rec.data["cycle"])
    indicators = index.indicators
    if indicators is None:
        return
    experts = (rec.data.get("expert_review") or {}).get("experts") or []
    for i, expert in enumerate(experts):
        scores = expert.get("scores", {})
        for ind_id, value in scores.items():
            ind = indicators.get(ind_id)
            path = ("expert_review", "experts", i, "scores", ind_id)
            if ind is None:
                yield at(rec, path, "review-scores", f"考核评估表中没有指标“{ind_id}”。", key=True)
            elif ind_id in index.maxima and not 0 <= dec(value) <= index.maxima[ind_id]:
                yield at(
                    rec,
                    path,
                    "review-scores",
                    f"专家 {expert['id']} 对指标 {ind_id}“{ind['name']}”的评分 {value} 超出范围（0–{ind['max']} 分）。",
                )
        missing = [k for k in indicators if k not in scores]
        if missing:
            yield at(
                rec,
                ("expert_review", "experts", i, "scores"),
                "review-scores",
                f"专家 {expert['id']} 未对以下指标评分：{'、'.join(missing)}。",
            )


def _outcome_problem(data: Mapping[str, Any], ctx: Context, rec: Record) -> str | None:
    """What is wrong with a review's outcome, before the scores are compared."""
    decision = data["outcome"]["decision"]
    subject = data["subject"]
    allowed = APPLICATION_DECISIONS if subject == Kind.APPLICATION else ASSESSMENT_DECISIONS
    if decision not in allowed:
        return f"{SUBJECT_NAMES[subject]}的结论只能是：{'、'.join(allowed)}，不能是“{decision}”。"
    prelim = (data.get("preliminary") or {}).get("result")
    if decision == Decision.RETURNED:
        if prelim != Decision.RETURNED:
            return "结论为“退回”时，初审结果（preliminary.result）也应为“退回”，并写明退回理由。"
        return None
    if prelim == Decision.RETURNED:
        return (
            f"初审已退回，不能再给出“{decision}”结论。如已重新提交并通过初审，请更新 preliminary。"
        )
    sub = ctx.submission_of(rec)
    if is_forfeit(data) and sub is not None and Kind.ASSESSMENT in sub.records:
        return "该基地已提交年度自查，取消资格须有专家评分或一票否决依据。请补充 expert_review。"
    return None


@rule("review-outcome", Kind.REVIEW)
def check_outcome(rec: Record, ctx: Context) -> Iterator[Finding]:
    """The outcome fits the subject and agrees with the scores, vetoes and the cycle's thresholds."""
    data = rec.data
    if not data.get("outcome"):
        return
    decision = data["outcome"]["decision"]
    problem = _outcome_problem(data, ctx, rec)
    settled = decision == Decision.RETURNED or is_forfeit(data)
    if (
        problem is None
        and not settled
        and (data.get("preliminary") or {}).get("result") != Decision.RETURNED
    ):
        problem = _disagreement(data, ctx)
    if problem is not None:
        yield at(rec, ("outcome", "decision"), "review-outcome", problem)


def _disagreement(data: Mapping[str, Any], ctx: Context) -> str | None:
    """The outcome against what the scores, vetoes and thresholds imply."""
    decision = data["outcome"]["decision"]
    cycle = ctx.cycle(str(data["cycle"]))
    rubric = ctx.cycle(str(data["cycle"]), Kind.RUBRIC)
    if cycle is None or rubric is None:
        return None
    if "grades" not in cycle or any("max" not in ind for ind in rubric["indicators"]):
        return (
            f"{data['cycle']} 年度的分数线或考核评估表的指标满分尚待市人社局确认，评审结论无从核对。"
            f"请先在 cycles/{data['cycle']}/ 中补全并删除 status 标记，再录入结论。"
        )
    expected, _score, why = expected_decision(data, rubric, cycle)
    if expected is None:
        return f"结论“{decision}”缺少依据：expert_review 中还没有专家评分。请先录入专家评分。"
    if expected != decision:
        return f"结论“{decision}”与评分不一致：{why}，按本周期规则应为“{expected}”。请核对专家评分或结论。"
    return None
