"""Review checklists (cycles/<cycle>/checklists.yaml) decided for one submission.

Automatic items are decided by running the validator on the submission's
records and its institution.yaml and looking for findings with the item's rule
id; manual items take the reviewer's answer from review.yaml ``checklist``.
``render_checklist`` is the Markdown the pull-request gate posts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import escape
from .findings import Finding, Severity
from .registry import Registry, Submission
from .rules.checklist import POSITIVE_DECISIONS, SCHEMA_RULE, missing_manual
from .validate import validate
from .vocab import KIND_NAMES, CheckResult

__all__ = ["POSITIVE_DECISIONS", "SCHEMA_RULE", "missing_manual"]
PASSED, FAILED, NOT_APPLICABLE = CheckResult.PASSED, CheckResult.FAILED, CheckResult.NOT_APPLICABLE

# Item states and their marks in the Markdown checklist.
OK, BAD, UNDECIDED, OPEN, NA = "ok", "bad", "undecided", "open", "na"
MARKS = {OK: "☑", BAD: "☒", UNDECIDED: "⚠", OPEN: "☐", NA: "—"}


@dataclass(frozen=True)
class ItemResult:
    id: str
    title: str
    source: str
    kind: str  # auto | manual
    mandatory: bool
    state: str  # ok | bad | undecided | open | na
    rule: str | None = None
    guidance: str | None = None
    reasons: tuple[str, ...] = ()  # Chinese, with the place of each finding
    note: str | None = None  # the reviewer's note for a manual item


@dataclass
class Checklist:
    kind: str | None  # application | assessment, None when the folder has neither
    cycle: str
    uscc: str
    name: str | None
    items: list[ItemResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # Chinese: why it could not be decided

    def blocking(self) -> list[ItemResult]:
        """Mandatory items that are not (yet) passed."""
        return [i for i in self.items if i.mandatory and i.state not in (OK, NA)]


def submission_kind(sub: Submission) -> str | None:
    for kind in ("application", "assessment"):
        if sub.get(kind) is not None:
            return kind
    return None


def rule_matches(item_rule: str, finding_rule: str) -> bool:
    if item_rule == SCHEMA_RULE:
        return finding_rule.startswith("schema")
    return finding_rule == item_rule


def _in_paths(path: str, paths: list[str]) -> bool:
    return any(path == p or path.startswith(p + "/") for p in paths)


def _where(f: Finding) -> str:
    place = f.path.rsplit("/", 1)[-1]
    return f"{place} 第 {f.line} 行" if f.line else place


def _auto(
    item: Mapping[str, Any], findings: Sequence[Finding], record_ok: bool
) -> tuple[str, tuple[str, ...]]:
    hits = [f for f in findings if rule_matches(item["rule"], f.rule)]
    errors = [f for f in hits if f.severity is Severity.ERROR]
    if errors:
        return BAD, tuple(f"{_where(f)}：{f.message}" for f in errors)
    pending = [f for f in hits if f.severity is Severity.INFO]
    if pending:  # a check that could not run here (sealed values: the bureau's key)
        return OPEN, tuple(f"{_where(f)}：{f.message}" for f in pending)
    if not record_ok and item["rule"] != SCHEMA_RULE:
        # rules do not run on a record that failed to load or to match the schema
        return UNDECIDED, ("材料未通过格式校验，本项暂无法自动判定；请先修正格式错误。",)
    return OK, tuple(f"提示：{_where(f)}：{f.message}" for f in hits)


def evaluate_checklist(
    reg: Registry, sub: Submission, now: date | None, findings: Sequence[Finding] | None = None
) -> Checklist:
    """Every item of the cycle's checklist for ``sub``, automatic items decided.

    ``findings``: the validation's findings when the caller has them (else the
    submission and its institution.yaml are validated here).
    """
    inst = reg.institutions.get(sub.uscc)
    name = None
    if inst is not None and inst.record is not None and isinstance(inst.record.data, dict):
        name = inst.record.data.get("name")
    kind = submission_kind(sub)
    out = Checklist(kind, sub.cycle, sub.uscc, name if isinstance(name, str) else None)
    if kind is None:
        out.problems.append(
            "该文件夹中没有申报（application.yaml）或年度自查（assessment.yaml）材料。"
        )
        return out
    lists = reg.cycle_data(sub.cycle, "checklists")
    if lists is None:
        out.problems.append(
            f"cycles/{sub.cycle}/checklists.yaml 缺失或未通过校验，无法生成审核清单。"
        )
        return out
    paths = [sub.folder]
    if inst is not None and inst.record is not None:
        paths.append(inst.record.relpath)
    if findings is None:
        findings = validate(reg, paths, now=now).findings
    findings = [
        f for f in findings if _in_paths(f.path, paths) and not f.path.endswith("/review.yaml")
    ]
    main = sub.get(kind)
    record_ok = main is not None and main.valid
    review = sub.get("review")
    answers = (review.data or {}).get("checklist") if review is not None and review.valid else None
    answers = answers or {}
    for item in lists[kind]:
        common = dict(
            id=item["id"],
            title=item["title"],
            source=item["source"],
            kind=item["kind"],
            mandatory=item["mandatory"],
            guidance=item.get("guidance"),
        )
        if item["kind"] == "auto":
            state, reasons = _auto(item, findings, record_ok)
            out.items.append(ItemResult(**common, state=state, rule=item["rule"], reasons=reasons))
            continue
        answer = answers.get(item["id"]) or {}
        result = answer.get("result")
        state = {PASSED: OK, FAILED: BAD, NOT_APPLICABLE: NA}.get(result, OPEN)
        out.items.append(ItemResult(**common, state=state, note=answer.get("note")))
    return out


def _explain(item: ItemResult) -> str:
    if item.kind == "auto":
        if item.state == OK and not item.reasons:
            return "未发现问题"
        return "；".join(item.reasons)
    text = {OK: "评审人员核对：通过", BAD: "评审人员核对：不通过", NA: "评审人员核对：不适用"}.get(
        item.state, "待评审人员核对" + (f"（{item.guidance}）" if item.guidance else "")
    )
    return f"{text}；{item.note}" if item.note and item.state != OPEN else text


def to_markdown(cl: Checklist, now: date | None) -> str:
    who = f"{cl.name}（{cl.uscc}）" if cl.name else cl.uscc
    what = KIND_NAMES.get(cl.kind or "", "材料")
    out = [f"### 审核清单：{escape.md_inline(who)} {cl.cycle} 周期{what}", ""]
    if now is not None:
        out += [f"检查日期：{now.isoformat()}。", ""]
    if cl.problems:
        out += [f"> {escape.md_inline(p)}" for p in cl.problems]
        return "\n".join(out) + "\n"
    auto = [i for i in cl.items if i.kind == "auto"]
    manual = [i for i in cl.items if i.kind == "manual"]
    auto_bad = sum(i.state in (BAD, UNDECIDED) for i in auto)
    auto_open = sum(i.state == OPEN for i in auto)
    manual_open = [i for i in manual if i.state == OPEN]
    waiting = f"，{auto_open} 项待市人社局用密钥核对" if auto_open else ""
    out += [
        f"自动检查 {len(auto)} 项：{len(auto) - auto_bad - auto_open} 项通过，{auto_bad} 项未通过{waiting}。"
        f"人工核对 {len(manual)} 项：{len(manual_open)} 项待核对"
        f"（其中必须项 {sum(i.mandatory for i in manual_open)} 项）。",
        "",
        "☑ 通过　☒ 未通过　⚠ 格式错误修正后才能判定　☐ 待评审人员核对　— 不适用。人工项由评审人员核对后，在本文件夹 review.yaml 的 "
        "`checklist` 中按编号填写“通过”“不通过”或“不适用”。",
        "",
        "| | 编号 | 核对内容 | 依据 | 方式 | 说明 |",
        "|---|---|---|---|---|---|",
    ]
    for i in cl.items:
        how = f"自动（`{i.rule}`）" if i.kind == "auto" else "人工"
        if i.mandatory:
            how += "，必须"
        out.append(
            f"| {MARKS[i.state]} | {i.id} | {escape.md_inline(i.title)} | {escape.md_inline(i.source)} "
            f"| {how} | {escape.md_inline(_explain(i))} |"
        )
    return "\n".join(out) + "\n"


def render_checklist(reg: Registry, submission: Submission, now: date | None) -> str:
    """The Markdown checklist of one submission (what ``cebase checklist`` prints and the gate posts)."""
    return to_markdown(evaluate_checklist(reg, submission, now), now)
