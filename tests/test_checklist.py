"""Checklists: automatic items decided by the validator, manual items gate positive outcomes."""

from __future__ import annotations

import json
from datetime import date

import pytest

from cebase.checklist import BAD, OK, OPEN, evaluate_checklist, render_checklist
from cebase.registry import Record, scan
from cebase.rules import Context, rule_ids
from cebase.rules.checklist import check_rule_ids
from cebase.schemas import schema_dir
from cebase.validate import validate

from .conftest import EXAMPLES, FIXTURES, unlocked

NOW = date(2025, 12, 22)
INCOMPLETE = FIXTURES / "checklist" / "incomplete"


@pytest.fixture(scope="module")
def demo():
    """The demo as a reviewer holds it: sealed values opened with the (test) key."""
    return unlocked(EXAMPLES)


def test_demo_registry_has_no_checklist_findings(demo) -> None:
    found = [f for f in validate(demo, now=NOW).findings if f.rule.startswith("checklist")]
    assert found == []


def test_positive_outcome_needs_every_mandatory_manual_item() -> None:
    findings = validate(scan(INCOMPLETE), now=NOW).findings
    [incomplete] = [f for f in findings if f.rule == "checklist-incomplete"]
    assert incomplete.path == "submissions/51650105DEM0F0067L/2026/review.yaml"
    assert incomplete.field == "outcome.decision" and incomplete.line > 0
    assert "AP-14 师资队伍满足培训需要" in incomplete.message and "（未填写）" in incomplete.message
    assert "AP-15" in incomplete.message and "（不通过）" in incomplete.message
    assert "AP-22" not in incomplete.message  # not mandatory
    [unknown] = [f for f in findings if f.rule == "checklist-unknown"]
    assert "AP-01" in unknown.message and "自动检查项" in unknown.message


def test_auto_items_name_existing_rules() -> None:
    bad = FIXTURES / "checklist" / "bad-rule-checklists.yaml"
    rec = Record("checklists", "cycles/2026/checklists.yaml", bad)
    [finding] = list(check_rule_ids(rec, Context(scan(EXAMPLES), NOW)))
    assert (
        finding.rule == "checklist-rule" and "no-such-rule" in finding.message and finding.line > 0
    )


def test_schema_enum_and_rules_do_not_drift() -> None:
    enum = json.loads((schema_dir() / "checklists.schema.json").read_text(encoding="utf-8"))
    for section in ("application", "assessment"):
        names = set(enum["properties"][section]["items"]["properties"]["rule"]["enum"])
        assert names - {"schema"} <= rule_ids(), names - rule_ids()


def test_automatic_items_pass_on_a_clean_submission(demo) -> None:
    cl = evaluate_checklist(demo, demo.institutions["12650104DEM0A0019H"].submissions["2026"], NOW)
    auto = [i for i in cl.items if i.kind == "auto"]
    assert auto and all(i.state == OK for i in auto)
    assert all(i.state == OPEN for i in cl.items if i.kind == "manual")


def test_a_late_self_inspection_crosses_the_deadline_item() -> None:
    reg = scan(FIXTURES / "status" / "late-assessment")
    cl = evaluate_checklist(reg, reg.institutions["91650102DEM0T01784"].submissions["2026"], NOW)
    by_rule = {i.rule: i for i in cl.items if i.kind == "auto"}
    assert by_rule["deadline"].state == BAD
    assert (
        "2025-11-10" in by_rule["deadline"].reasons[0] and "第 " in by_rule["deadline"].reasons[0]
    )
    assert by_rule["schema"].state == OK


def test_manual_answers_come_from_the_review(demo) -> None:
    sub = demo.institutions["91650109DEM0D004XW"].submissions["2026"]
    states = {i.id: i.state for i in evaluate_checklist(demo, sub, NOW).items}
    assert states["AP-14"] == BAD and states["AP-15"] == OK


def test_render_markdown(demo) -> None:
    md = render_checklist(demo, demo.institutions["12650104DEM0A0019H"].submissions["2026"], NOW)
    assert md.startswith("### 审核清单：")
    assert "| ☑ | AP-01 |" in md and "| ☐ | AP-14 |" in md
    assert "检查日期：2025-12-22" in md


def test_render_escapes_untrusted_text() -> None:
    reg = scan(FIXTURES / "status" / "late-assessment")
    md = render_checklist(reg, reg.institutions["91650102DEM0T01784"].submissions["2026"], NOW)
    assert "| ☒ |" in md
    # finding messages quote file values; Markdown table cells must not be broken by them
    for line in md.splitlines():
        if line.startswith("| ☒"):
            assert line.count(" | ") == 5


def test_folder_without_a_submission() -> None:
    reg = scan(FIXTURES / "status" / "forfeit")
    md = render_checklist(reg, reg.institutions["91650107DEM0Q0155H"].submissions["2026"], NOW)
    assert "没有申报" in md
