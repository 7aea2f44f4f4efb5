"""Expert scores → indicator averages → total → grade or decision."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cebase import scoring

D = Decimal
RUBRIC = {
    "indicators": [{"id": "A1", "max": 60}, {"id": "A2", "max": 40}],
    "vetoes": [{"id": "V2", "name": "乱收费", "applies_to": ["assessment"]}],
}
CYCLE = {
    "scoring": {"method": "mean"},
    "grades": {"excellent": 90, "pass": 60},
    "application_pass": 70,
}


def experts(*pairs: tuple[float, float]) -> list[dict]:
    return [
        {"id": f"E{i}", "name": "专家", "scores": {"A1": a, "A2": b}}
        for i, (a, b) in enumerate(pairs, 1)
    ]


def review(subject: str, *pairs: tuple[float, float], vetoes: list | None = None) -> dict:
    er = {"methods": ["查验资料"], "date": "2025-12-01", "experts": experts(*pairs)}
    if vetoes:
        er["vetoes"] = vetoes
    return {"cycle": "2026", "subject": subject, "expert_review": er}


@pytest.mark.parametrize(
    ("values", "method", "expected"),
    [
        (["8", "9", "10"], "mean", "9.00"),
        (["8", "9", "10"], "trimmed_mean", "9.00"),  # fewer than five experts: plain mean
        (["1", "9", "9", "9", "10"], "mean", "7.60"),
        (["1", "9", "9", "9", "10"], "trimmed_mean", "9.00"),  # drops 1 and 10
        (["7", "8", "8"], "mean", "7.67"),  # rounded half up to cents
        (["0.005", "0.005"], "mean", "0.01"),
        ([], "mean", "0"),
    ],
)
def test_average(values: list[str], method: str, expected: str) -> None:
    assert scoring.average([D(v) for v in values], method=method) == D(expected)


def test_trim_from_is_a_setting() -> None:
    vals = [D(v) for v in ("1", "5", "9")]
    assert scoring.average(vals, method="trimmed_mean", trim_from=3) == D("5.00")


@pytest.mark.parametrize(
    ("score", "grade"),
    [("90", "优秀"), ("89.99", "合格"), ("60", "合格"), ("59.99", "限期整改"), ("0", "限期整改")],
)
def test_grade_thresholds_are_inclusive(score: str, grade: str) -> None:
    assert scoring.assessment_grade(D(score), CYCLE["grades"]) == grade


def test_decimal_totals_do_not_drift() -> None:
    # 0.1 + 0.2 style float error must not push a total across a threshold
    scores = {"A1": D("59.995"), "A2": D("30.005")}
    assert scoring.total(scores) == D("90.00")


def test_expected_assessment_decision() -> None:
    decision, score, why = scoring.expected_decision(
        review("assessment", (55, 36), (56, 35)), RUBRIC, CYCLE
    )
    assert (decision, score) == ("优秀", D("91.00"))
    assert "优秀线 90" in why


def test_expected_application_decision_uses_its_own_threshold() -> None:
    decision, score, _ = scoring.expected_decision(
        review("application", (40, 25), (40, 26)), RUBRIC, CYCLE
    )
    assert (decision, score) == ("不予认定", D("65.50"))  # above 合格 60 but below 认定线 70
    decision, _, _ = scoring.expected_decision(review("application", (45, 25)), RUBRIC, CYCLE)
    assert decision == "拟认定"


@pytest.mark.parametrize(
    ("subject", "decision"), [("assessment", "取消资格"), ("application", "不予认定")]
)
def test_veto_overrides_any_score(subject: str, decision: str) -> None:
    r = review(subject, (60, 40), vetoes=[{"item": "V2", "note": "超标准收费"}])
    got, score, why = scoring.expected_decision(r, RUBRIC, CYCLE)
    assert (got, score) == (decision, None)
    assert "乱收费" in why


def test_no_scores_no_decision() -> None:
    r = {"cycle": "2026", "subject": "assessment"}
    assert scoring.expected_decision(r, RUBRIC, CYCLE)[0] is None
    assert scoring.review_total(r, RUBRIC, CYCLE) is None


def test_trimmed_mean_per_indicator() -> None:
    cycle = {**CYCLE, "scoring": {"method": "trimmed_mean", "trim_from": 5}}
    r = review("assessment", (10, 40), (50, 30), (50, 30), (50, 30), (60, 0))
    # A1 drops 10 and 60 → 50; A2 drops 0 and 40 → 30
    assert scoring.review_total(r, RUBRIC, cycle) == D("80.00")
