"""The bureau's review file: it reviews something that exists, scores and outcome agree."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..registry import Record
from ..scoring import (
    APPLICATION_DECISIONS,
    ASSESSMENT_DECISIONS,
    RETURNED,
    REVOKED,
    dec,
    expected_decision,
)
from . import Context, at, rule


def is_forfeit(review: dict) -> bool:
    """A revocation of a base that filed no self-inspection: no scores to agree with."""
    outcome = review.get("outcome") or {}
    experts = (review.get("expert_review") or {}).get("experts")
    return (
        review.get("subject") == "assessment" and outcome.get("decision") == REVOKED and not experts
    )


SUBJECT_NAMES = {
    "application": "申报（application.yaml）",
    "assessment": "年度自查（assessment.yaml）",
}


@rule("review-subject", "review")
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


@rule("review-scores", "review")
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
            elif not 0 <= dec(value) <= index.maxima[ind_id]:
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


@rule("review-outcome", "review")
def check_outcome(rec: Record, ctx: Context) -> Iterator[Finding]:
    """The outcome fits the subject and agrees with the scores, vetoes and the cycle's thresholds."""
    data = rec.data
    outcome = data.get("outcome")
    if not outcome:
        return
    decision = outcome["decision"]
    allowed = APPLICATION_DECISIONS if data["subject"] == "application" else ASSESSMENT_DECISIONS
    if decision not in allowed:
        yield at(
            rec,
            ("outcome", "decision"),
            "review-outcome",
            f"{SUBJECT_NAMES[data['subject']]}的结论只能是：{'、'.join(allowed)}，不能是“{decision}”。",
        )
        return
    prelim = (data.get("preliminary") or {}).get("result")
    if decision == RETURNED:
        if prelim != RETURNED:
            yield at(
                rec,
                ("outcome", "decision"),
                "review-outcome",
                "结论为“退回”时，初审结果（preliminary.result）也应为“退回”，并写明退回理由。",
            )
        return
    if prelim == RETURNED:
        yield at(
            rec,
            ("outcome", "decision"),
            "review-outcome",
            f"初审已退回，不能再给出“{decision}”结论。如已重新提交并通过初审，请更新 preliminary。",
        )
        return
    if is_forfeit(data):
        sub = ctx.submission_of(rec)
        if sub is not None and "assessment" in sub.records:
            yield at(
                rec,
                ("outcome", "decision"),
                "review-outcome",
                "该基地已提交年度自查，取消资格须有专家评分或一票否决依据。请补充 expert_review。",
            )
        return
    cycle = ctx.cycle(str(data["cycle"]))
    rubric = ctx.cycle(str(data["cycle"]), "rubric")
    if cycle is None or rubric is None:
        return
    expected, _score, why = expected_decision(data, rubric, cycle)
    if expected is None:
        yield at(
            rec,
            ("outcome", "decision"),
            "review-outcome",
            f"结论“{decision}”缺少依据：expert_review 中还没有专家评分。请先录入专家评分。",
        )
    elif expected != decision:
        yield at(
            rec,
            ("outcome", "decision"),
            "review-outcome",
            f"结论“{decision}”与评分不一致：{why}，按本周期规则应为“{expected}”。请核对专家评分或结论。",
        )
