"""Checklists: automatic items name real rules; positive outcomes need every mandatory manual item passed."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ..findings import Finding
from ..registry import Record
from ..vocab import CheckResult, Decision
from . import Context, at, rule, rule_ids

SECTIONS = ("application", "assessment")
SCHEMA_RULE = "schema"  # matches every schema-<validator> finding
POSITIVE_DECISIONS = frozenset({Decision.PROPOSED, Decision.EXCELLENT, Decision.PASS})


def missing_manual(
    items: Sequence[Mapping[str, Any]], answers: Mapping[str, Any] | None
) -> list[Mapping[str, Any]]:
    """Mandatory manual items not answered 通过 in a review's ``checklist``."""
    answers = answers or {}
    return [
        item
        for item in items
        if item["kind"] == "manual"
        and item["mandatory"]
        and (answers.get(item["id"]) or {}).get("result") != CheckResult.PASSED
    ]


@rule("checklist-rule", "checklists")
def check_rule_ids(rec: Record, ctx: Context) -> Iterator[Finding]:
    """Every automatic checklist item names a rule id the validator reports."""
    known = rule_ids() | {SCHEMA_RULE}
    for section in SECTIONS:
        for i, item in enumerate(rec.data[section]):
            if item["kind"] == "auto" and item["rule"] not in known:
                yield at(
                    rec,
                    (section, i, "rule"),
                    "checklist-rule",
                    f"清单项 {item['id']} 的规则编号“{item['rule']}”不存在，系统无法自动判定。"
                    f"可用的规则编号：{'、'.join(sorted(known))}。",
                )


@rule("checklist-incomplete", "review", emits=("checklist-unknown",))
def check_incomplete(rec: Record, ctx: Context) -> Iterator[Finding]:
    """A positive outcome (拟认定/优秀/合格) needs every mandatory manual item answered 通过."""
    data = rec.data
    lists = ctx.index(data["cycle"]).checklists
    if lists is None:
        return
    items = lists[data["subject"]]
    answers = data.get("checklist") or {}
    manual = {item["id"]: item for item in items if item["kind"] == "manual"}
    for key in answers:
        if key not in manual:
            what = (
                "是自动检查项，无需人工填写"
                if any(i["id"] == key for i in items)
                else "不在本周期审核清单的人工核对项中"
            )
            yield at(
                rec,
                ("checklist", key),
                "checklist-unknown",
                f"清单项“{key}”{what}。请核对编号（申报为 AP-xx，年度考核为 AS-xx）。",
                key=True,
            )
    outcome = data.get("outcome") or {}
    decision = outcome.get("decision")
    if decision not in POSITIVE_DECISIONS:
        return
    missing = missing_manual(items, answers)
    if missing:

        def state(item: dict) -> str:
            result = (answers.get(item["id"]) or {}).get("result")
            return f"（{result}）" if result else "（未填写）"

        names = "；".join(f"{m['id']} {m['title']}{state(m)}" for m in missing)
        yield at(
            rec,
            ("outcome", "decision"),
            "checklist-incomplete",
            f"结论为“{decision}”时，审核清单的必须人工核对项都应为“通过”，以下各项尚未通过：{names}。"
            "请在 review.yaml 的 checklist 中按编号填写核对结论，或修改结论。",
        )
