"""The status engine: every demo institution walked through its dates, plus fixture registries."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from cebase.model import Stage, Status
from cebase.registry import scan
from cebase.status import RULES, evaluate, queue

from .conftest import EXAMPLES, FIXTURES

D = date.fromisoformat
A, S, N = Stage.APPLICATION, Stage.ASSESSMENT, Stage.NONE
REVIEW = "submissions/{}/2026/review.yaml"
APPLICATION = "submissions/{}/2026/application.yaml"
ASSESSMENT = "submissions/{}/2026/assessment.yaml"
CYCLE = "cycles/2026/cycle.yaml"

# (uscc, [(date, stage, status, rule, deciding record)]) — before, on and after each event.
DEMO = {
    # application submitted, nothing reviewed yet
    "12650104DEM0A0019H": [
        ("2025-11-04", N, Status.NOT_FILED, "status-not-filed", APPLICATION),
        ("2025-11-05", A, Status.SUBMITTED, "status-submitted", APPLICATION),
        ("2025-12-22", A, Status.SUBMITTED, "status-submitted", APPLICATION),
    ],
    # filed late, within the bureau's extension to 2025-11-14
    "12650109DEM0H0084P": [
        ("2025-11-11", N, Status.NOT_FILED, "status-not-filed", APPLICATION),
        ("2025-11-12", A, Status.SUBMITTED, "status-submitted", APPLICATION),
        ("2025-12-22", A, Status.SUBMITTED, "status-submitted", APPLICATION),
    ],
    # 初审通过, under expert review
    "12650102DEM0B0022P": [
        ("2025-11-19", A, Status.SUBMITTED, "status-submitted", APPLICATION),
        ("2025-11-20", A, Status.UNDER_REVIEW, "status-preliminary-passed", REVIEW),
        ("2025-12-22", A, Status.UNDER_REVIEW, "status-preliminary-passed", REVIEW),
    ],
    # 退回 at 初审
    "52650103DEM0C00367": [
        ("2025-11-17", A, Status.SUBMITTED, "status-submitted", APPLICATION),
        ("2025-11-18", A, Status.RETURNED, "status-returned", REVIEW),
        ("2025-12-22", A, Status.RETURNED, "status-returned", REVIEW),
    ],
    # 不予认定
    "91650109DEM0D004XW": [
        ("2025-12-04", A, Status.UNDER_REVIEW, "status-preliminary-passed", REVIEW),
        ("2025-12-05", A, Status.REFUSED, "status-refused", REVIEW),
        ("2025-12-22", A, Status.REFUSED, "status-refused", REVIEW),
    ],
    # 拟认定, 公示 2025-12-01..05, objection received 2025-12-03 and upheld
    "52650102DEM0G00709": [
        ("2025-11-26", A, Status.UNDER_REVIEW, "status-preliminary-passed", REVIEW),
        ("2025-11-28", A, Status.PROPOSED, "status-publicity-pending", REVIEW),
        ("2025-12-01", A, Status.PROPOSED, "status-publicity-running", REVIEW),
        ("2025-12-03", A, Status.OBJECTION_UPHELD, "status-objection-upheld", REVIEW),
        ("2025-12-22", A, Status.OBJECTION_UPHELD, "status-objection-upheld", REVIEW),
    ],
    # 拟认定, 公示 Monday 2025-12-08 .. Friday 2025-12-12, then 认定 (valid three years)
    "51650105DEM0F0067L": [
        ("2025-12-05", A, Status.PROPOSED, "status-publicity-pending", REVIEW),
        ("2025-12-08", A, Status.PROPOSED, "status-publicity-running", REVIEW),
        ("2025-12-12", A, Status.PROPOSED, "status-publicity-running", REVIEW),
        ("2025-12-13", A, Status.CERTIFIED, "status-publicity-ended", REVIEW),
        ("2025-12-22", A, Status.CERTIFIED, "status-publicity-ended", REVIEW),
        ("2028-12-12", A, Status.CERTIFIED, "status-publicity-ended", REVIEW),
        ("2028-12-13", N, Status.EXPIRED, "status-expired", REVIEW),
    ],
    # 拟认定 in 公示 on the demo date: Thursday 2025-12-18 .. Wednesday 2025-12-24
    "91650106DEM0E0053R": [
        ("2025-12-17", A, Status.PROPOSED, "status-publicity-pending", REVIEW),
        ("2025-12-18", A, Status.PROPOSED, "status-publicity-running", REVIEW),
        ("2025-12-22", A, Status.PROPOSED, "status-publicity-running", REVIEW),
        ("2025-12-24", A, Status.PROPOSED, "status-publicity-running", REVIEW),
        ("2025-12-25", A, Status.CERTIFIED, "status-publicity-ended", REVIEW),
    ],
    # incumbent, 优秀
    "12650105DEM0J0093K": [
        ("2025-11-02", N, Status.CERTIFIED, "status-incumbent", CYCLE),
        (
            "2025-11-04",
            S,
            Status.AWAITING_SELF_INSPECTION,
            "status-awaiting-self-inspection",
            CYCLE,
        ),
        ("2025-11-05", S, Status.SELF_INSPECTION_FILED, "status-self-inspection-filed", ASSESSMENT),
        ("2025-11-14", S, Status.SELF_INSPECTION_FILED, "status-self-inspection-filed", REVIEW),
        ("2025-11-28", S, Status.EXCELLENT, "status-assessment-outcome", REVIEW),
        ("2025-12-22", S, Status.EXCELLENT, "status-assessment-outcome", REVIEW),
    ],
    # incumbent, 合格
    "51650102DEM0K01015": [
        ("2025-11-27", S, Status.SELF_INSPECTION_FILED, "status-self-inspection-filed", REVIEW),
        ("2025-11-28", S, Status.PASS, "status-assessment-outcome", REVIEW),
        ("2025-12-22", S, Status.PASS, "status-assessment-outcome", REVIEW),
    ],
    # 限期整改 to 2026-01-30, pending on the demo date
    "91650104DEM0L01153": [
        ("2025-12-09", S, Status.SELF_INSPECTION_FILED, "status-self-inspection-filed", REVIEW),
        ("2025-12-10", S, Status.RECTIFY, "status-rectify", REVIEW),
        ("2025-12-22", S, Status.RECTIFY, "status-rectify", REVIEW),
        ("2026-01-30", S, Status.RECTIFY, "status-rectify", REVIEW),
        ("2026-01-31", S, Status.RECTIFY_OVERDUE, "status-rectify-overdue", REVIEW),
    ],
    # 限期整改 to 2025-12-15, missed: no re-check
    "52650103DEM0M0129T": [
        ("2025-11-28", S, Status.RECTIFY, "status-rectify", REVIEW),
        ("2025-12-15", S, Status.RECTIFY, "status-rectify", REVIEW),
        ("2025-12-16", S, Status.RECTIFY_OVERDUE, "status-rectify-overdue", REVIEW),
        ("2025-12-22", S, Status.RECTIFY_OVERDUE, "status-rectify-overdue", REVIEW),
    ],
    # 限期整改 to 2025-12-12, re-checked 合格 on 2025-12-16
    "12650121DEM0N01324": [
        ("2025-11-03", S, Status.SELF_INSPECTION_FILED, "status-self-inspection-filed", ASSESSMENT),
        ("2025-12-12", S, Status.RECTIFY, "status-rectify", REVIEW),
        ("2025-12-13", S, Status.RECTIFY_OVERDUE, "status-rectify-overdue", REVIEW),
        ("2025-12-16", S, Status.PASS, "status-recheck", REVIEW),
        ("2025-12-22", S, Status.PASS, "status-recheck", REVIEW),
    ],
    # 限期整改 to 2025-12-12, re-checked 取消资格 on 2025-12-17
    "91650105DEM0P0141F": [
        ("2025-12-12", S, Status.RECTIFY, "status-rectify", REVIEW),
        ("2025-12-16", S, Status.RECTIFY_OVERDUE, "status-rectify-overdue", REVIEW),
        ("2025-12-17", S, Status.REVOKED, "status-recheck", REVIEW),
        ("2025-12-22", S, Status.REVOKED, "status-recheck", REVIEW),
    ],
    # 取消资格 by a veto item
    "52650106DEM0R01699": [
        ("2025-11-27", S, Status.SELF_INSPECTION_FILED, "status-self-inspection-filed", REVIEW),
        ("2025-11-28", S, Status.REVOKED, "status-veto", REVIEW),
        ("2025-12-22", S, Status.REVOKED, "status-veto", REVIEW),
    ],
    # self-inspection filed, waiting for 初审
    "91650102DEM0T01784": [
        (
            "2025-11-05",
            S,
            Status.AWAITING_SELF_INSPECTION,
            "status-awaiting-self-inspection",
            CYCLE,
        ),
        ("2025-11-06", S, Status.SELF_INSPECTION_FILED, "status-self-inspection-filed", ASSESSMENT),
        ("2025-12-22", S, Status.SELF_INSPECTION_FILED, "status-self-inspection-filed", ASSESSMENT),
    ],
    # incumbent that filed nothing: 逾期未报
    "91650107DEM0Q0155H": [
        ("2025-11-02", N, Status.CERTIFIED, "status-incumbent", CYCLE),
        (
            "2025-11-07",
            S,
            Status.AWAITING_SELF_INSPECTION,
            "status-awaiting-self-inspection",
            CYCLE,
        ),
        ("2025-11-08", S, Status.OVERDUE, "status-overdue", CYCLE),
        ("2025-12-22", S, Status.OVERDUE, "status-overdue", CYCLE),
    ],
}
CASES = [(uscc, *row) for uscc, rows in DEMO.items() for row in rows]


@pytest.fixture(scope="module")
def demo():
    return scan(EXAMPLES)


def test_every_demo_institution_is_walked(demo) -> None:
    assert set(DEMO) == set(demo.institutions)


@pytest.mark.parametrize(
    ("uscc", "on", "stage", "status", "rule", "decided_by"),
    CASES,
    ids=[f"{c[0]}@{c[1]}" for c in CASES],
)
def test_demo_walk(
    demo, uscc: str, on: str, stage: Stage, status: Status, rule: str, decided_by: str
) -> None:
    got = evaluate(demo, D(on))[uscc]
    assert (got.stage, got.status, got.rule, got.decided_by) == (
        stage,
        status,
        rule,
        decided_by.format(uscc),
    )
    assert got.warnings == []


def test_demo_date_reaches_every_stage(demo) -> None:
    statuses = {s.status for s in evaluate(demo, D("2025-12-22")).values()}
    assert {
        Status.SUBMITTED,
        Status.UNDER_REVIEW,
        Status.RETURNED,
        Status.REFUSED,
        Status.PROPOSED,
        Status.CERTIFIED,
        Status.OBJECTION_UPHELD,
        Status.EXCELLENT,
        Status.PASS,
        Status.RECTIFY,
        Status.RECTIFY_OVERDUE,
        Status.REVOKED,
        Status.OVERDUE,
        Status.SELF_INSPECTION_FILED,
    } <= statuses


def test_every_status_names_a_record_and_a_rule(demo) -> None:
    for on in ("2025-10-01", "2025-11-06", "2025-12-22", "2026-03-01"):
        for s in evaluate(demo, D(on)).values():
            assert s.rule in RULES
            assert (demo.root / s.decided_by).is_file(), s


def test_publicity_and_certification_dates(demo) -> None:
    s = evaluate(demo, D("2025-12-22"))["51650105DEM0F0067L"]
    assert (s.publicity.start, s.publicity.end, s.publicity.working_days) == (
        "2025-12-08",
        "2025-12-12",
        5,
    )
    assert (s.certified, s.certified_on, s.valid_until) == (True, "2025-12-13", "2028-12-12")
    running = evaluate(demo, D("2025-12-22"))["91650106DEM0E0053R"]
    assert not running.certified
    assert [(d.what, d.date, d.overdue) for d in running.deadlines] == [
        ("公示截止", "2025-12-24", False)
    ]


def test_certified_flags_on_the_demo_date(demo) -> None:
    statuses = evaluate(demo, D("2025-12-22"))
    certified = {u for u, s in statuses.items() if s.certified}
    assert certified == {
        "51650105DEM0F0067L",  # 认定
        "12650105DEM0J0093K",
        "51650102DEM0K01015",
        "12650121DEM0N01324",  # 优秀 / 合格
        "91650104DEM0L01153",
        "52650103DEM0M0129T",  # 限期整改 (still certified)
        "91650102DEM0T01784",
        "91650107DEM0Q0155H",  # filed, and 逾期未报 until the bureau revokes
    }


def test_approved_specialty_changes_apply_from_the_decision(demo) -> None:
    before = evaluate(demo, D("2025-11-27"))
    after = evaluate(demo, D("2025-11-28"))
    assert "GC-JT-02" not in before["12650105DEM0J0093K"].specialties
    assert after["12650105DEM0J0093K"].specialties["GC-JT-02"] == ["中级", "副高级"]
    assert "JJ-JR-01" in before["51650102DEM0K01015"].specialties
    assert "JJ-JR-01" not in after["51650102DEM0K01015"].specialties
    assert after["51650102DEM0K01015"].specialties["KJ-01"] == ["初级", "中级", "副高级"]


def test_new_base_takes_its_approved_specialties(demo) -> None:
    s = evaluate(demo, D("2025-12-13"))["51650105DEM0F0067L"]
    assert s.specialties == {"GC-DZ-01": ["初级", "中级", "副高级"], "GC-DZ-03": ["中级", "副高级"]}
    assert evaluate(demo, D("2025-12-12"))["51650105DEM0F0067L"].specialties == {}


def test_deadlines_and_missing(demo) -> None:
    s = evaluate(demo, D("2025-12-22"))
    overdue = s["91650107DEM0Q0155H"]
    assert [(d.what, d.date, d.overdue) for d in overdue.deadlines] == [
        ("年度自查截止", "2025-11-07", True)
    ]
    assert "取消资格决定" in overdue.missing
    late = s["12650109DEM0H0084P"]
    assert [(d.date, d.overdue) for d in late.deadlines] == [("2025-11-14", False)]
    assert "延期" in late.reason
    assert s["52650103DEM0M0129T"].deadlines[0].overdue


def test_scores_and_history(demo) -> None:
    s = evaluate(demo, D("2025-12-22"))["12650121DEM0N01324"]
    assert s.grade == "合格"
    assert [h.decision for h in s.history] == ["认定", "限期整改", "整改复查合格"]
    assert (
        evaluate(demo, D("2025-11-24"))["12650105DEM0J0093K"].score is None
    )  # experts had not met
    assert evaluate(demo, D("2025-11-25"))["12650105DEM0J0093K"].score is not None


def test_queue_puts_overdue_first(demo) -> None:
    rows = queue(evaluate(demo, D("2025-12-22")))
    assert [r.status for r in rows[:2]] == [Status.OVERDUE, Status.RECTIFY_OVERDUE]
    assert rows == sorted(rows, key=lambda r: r.needs_action) and rows[-1].needs_action == 9


def test_evaluate_is_pure(demo) -> None:
    one = evaluate(demo, D("2025-12-22"))
    evaluate(demo, D("2026-06-01"))
    assert evaluate(demo, D("2025-12-22")) == one


# ---- fixture registries: tests/fixtures/status/<case>/expected.yaml

FIXTURE_CASES = [
    pytest.param(folder, row, id=f"{folder.name}:{row['uscc']}@{row['date']}")
    for folder in sorted((FIXTURES / "status").iterdir())
    if folder.is_dir()
    for row in yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
]


@pytest.mark.parametrize(("folder", "row"), FIXTURE_CASES)
def test_fixture_registry(folder: Path, row: dict) -> None:
    got = evaluate(scan(folder), row["date"])[row["uscc"]]
    assert (got.stage, got.status, got.rule, got.decided_by) == (
        row["stage"],
        row["status"],
        row["rule"],
        row["decided_by"],
    )
    if "certified" in row:
        assert got.certified is row["certified"]
    if "warning" in row:
        assert any(row["warning"] in w for w in got.warnings), got.warnings
    else:
        assert got.warnings == []


def test_calendar_fallback_computes_monday_to_friday() -> None:
    got = evaluate(scan(FIXTURES / "status" / "calendar-fallback"), D("2040-01-13"))[
        "91650106DEM0E0053R"
    ]
    assert got.publicity is not None and (got.publicity.start, got.publicity.end) == (
        "2040-01-09",
        "2040-01-13",
    )


# ---- the machine: its tables, and decisions as the notices read them


def test_every_transition_reaches_a_node_of_its_flow() -> None:
    from cebase.status.machine import ANY, FLOWS
    from cebase.status.reasons import RULES as REASON_RULES

    for flow in FLOWS.values():
        for (node, _ev), target in flow.steps.items():
            assert node == ANY or node in flow.nodes, (flow.kind, node)
            assert target in flow.nodes, (flow.kind, target)
        assert all(n.rule in REASON_RULES for n in flow.nodes.values())


def test_a_forfeit_is_revoked_without_an_invented_preliminary() -> None:
    uscc = "91650107DEM0Q0155H"
    reg = scan(FIXTURES / "status" / "forfeit-declared")
    assert evaluate(reg, D("2025-12-25"))[uscc].status is Status.OVERDUE
    s = evaluate(reg, D("2025-12-26"))[uscc]
    assert (s.status, s.rule, s.certified) == (Status.REVOKED, "status-forfeit-revoked", False)
    last = s.history[-1]
    assert (last.decision, last.date, last.revokes, last.reason) == (
        "取消资格",
        "2025-12-26",
        True,
        "逾期未报送自查材料（视为自动放弃）",
    )


def test_history_holds_only_what_happened_by_the_date(demo) -> None:
    for on in ("2025-11-27", "2025-12-10", "2025-12-22"):
        for s in evaluate(demo, D(on)).values():
            assert all(h.date is None or h.date <= on for h in s.history), s.uscc


def test_revocations_carry_the_reason_the_notice_states(demo) -> None:
    s = evaluate(demo, D("2025-12-22"))
    veto = [h for h in s["52650106DEM0R01699"].history if h.revokes]
    recheck = [h for h in s["91650105DEM0P0141F"].history if h.revokes]
    assert [(h.reason, h.rule) for h in veto] == [("一票否决（乱收费）", "status-veto")]
    assert [(h.reason, h.decision) for h in recheck] == [
        ("限期整改后复查仍不合格", "整改复查取消资格")
    ]
