"""Expert scores → indicator averages → total → grade (附件2 and the cycle's settings).

Decimal arithmetic throughout: a total of 89.995 must not become 90 by float
accident when 90 is the threshold of 优秀.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .vocab import Decision, Kind

CENT = Decimal("0.01")


def vetoes(review: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The 一票否决 items a review records."""
    return list((review.get("expert_review") or {}).get("vetoes") or [])


def is_forfeit(review: Mapping[str, Any]) -> bool:
    """A revocation for not filing the self-inspection (逾期未报): no scores to agree with.

    Declared with ``outcome.forfeit: true``; older records say it by a 取消资格
    of an assessment with neither expert scores nor a veto.
    """
    outcome = review.get("outcome") or {}
    if outcome.get("forfeit") is True:
        return True
    expert = review.get("expert_review") or {}
    return (
        review.get("subject") == Kind.ASSESSMENT
        and outcome.get("decision") == Decision.REVOKED
        and not expert.get("experts")
        and not expert.get("vetoes")
    )


def dec(value: float | int | str) -> Decimal:
    return Decimal(str(value))


def average(values: Sequence[Decimal], *, method: str = "mean", trim_from: int = 5) -> Decimal:
    """Mean of the experts' scores; with ``trimmed_mean`` and enough experts, drop the extremes."""
    vals = sorted(values)
    if method == "trimmed_mean" and len(vals) >= trim_from:
        vals = vals[1:-1]
    if not vals:
        return Decimal(0)
    return (sum(vals, Decimal(0)) / len(vals)).quantize(CENT, ROUND_HALF_UP)


def indicator_scores(
    experts: Sequence[Mapping[str, Any]], indicators: Sequence[str], scoring: Mapping[str, Any]
) -> dict[str, Decimal]:
    method = scoring.get("method", "mean")
    trim_from = int(scoring.get("trim_from", 5))
    out = {}
    for ind in indicators:
        vals = [dec(e["scores"][ind]) for e in experts if ind in e.get("scores", {})]
        out[ind] = average(vals, method=method, trim_from=trim_from)
    return out


def total(scores: Mapping[str, Decimal]) -> Decimal:
    return sum(scores.values(), Decimal(0)).quantize(CENT, ROUND_HALF_UP)


def assessment_grade(score: Decimal, grades: Mapping[str, Any]) -> str:
    """优秀 / 合格 / 限期整改 by the cycle's thresholds (a score alone never revokes)."""
    if score >= dec(grades["excellent"]):
        return Decision.EXCELLENT
    if score >= dec(grades["pass"]):
        return Decision.PASS
    return Decision.RECTIFY


def application_decision(score: Decimal, threshold: float | int) -> str:
    return Decision.PROPOSED if score >= dec(threshold) else Decision.REFUSED


def review_total(
    review: Mapping[str, Any], rubric: Mapping[str, Any], cycle: Mapping[str, Any]
) -> Decimal | None:
    """The review's total score, or None when no expert has scored yet."""
    experts = (review.get("expert_review") or {}).get("experts") or []
    if not experts:
        return None
    ids = [ind["id"] for ind in rubric["indicators"]]
    return total(indicator_scores(experts, ids, cycle.get("scoring", {})))


def expected_decision(
    review: Mapping[str, Any], rubric: Mapping[str, Any], cycle: Mapping[str, Any]
) -> tuple[str | None, Decimal | None, str]:
    """What the scores, vetoes and thresholds imply, the total, and why (Chinese)."""
    subject = review.get("subject")
    found = vetoes(review)
    if found:
        names = {v["id"]: v["name"] for v in rubric.get("vetoes", [])}
        which = "、".join(names.get(v["item"], v["item"]) for v in found)
        return (
            (Decision.REFUSED if subject == Kind.APPLICATION else Decision.REVOKED),
            None,
            f"一票否决：{which}",
        )
    score = review_total(review, rubric, cycle)
    if score is None:
        return None, None, "尚无专家评分"
    if "grades" not in cycle:
        return None, score, f"总分 {score}，分数线待市人社局确认"
    if subject == Kind.APPLICATION:
        threshold = cycle.get("application_pass", cycle["grades"]["pass"])
        return application_decision(score, threshold), score, f"总分 {score}，认定线 {threshold}"
    grades = cycle["grades"]
    return (
        assessment_grade(score, grades),
        score,
        f"总分 {score}，优秀线 {grades['excellent']}，合格线 {grades['pass']}",
    )
