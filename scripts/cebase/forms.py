"""The official paper forms of a submission, as printable HTML (A4, no external resources).

附件1 申报表 from an application; 附件2 考核评估表 (self-scores, and the experts'
averages once a review has them) and 附件3 收支情况统计表 from an assessment.
The forms go to the bureau's paper file, so they may show non-public fields;
every value is escaped by Jinja2's autoescape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from .findings import Finding
from .registry import Registry, Submission
from .scoring import CENT, dec, indicator_scores, total
from .vocab import chinese_date

FORMS = {
    "1": ("application", "乌鲁木齐市专业技术人员继续教育基地申报表"),
    "2": ("assessment", "乌鲁木齐市专业技术人员继续教育基地考核评估表"),
    "3": ("assessment", "乌鲁木齐市专业技术人员继续教育基地收支情况统计表"),
}
LEVELS = ("正高级", "副高级", "中级", "初级", "其他")
COUNT_KEYS = ("senior", "associate_senior", "intermediate", "junior", "other")
RULE_NAMES = {
    "teaching_organization": "教学组织管理",
    "trainee_assessment": "学员考核管理",
    "teaching_research": "教学科研管理",
    "training_registration": "培训登记管理",
    "funding_management": "培训经费管理",
    "logistics": "后勤保障管理",
    "effect_evaluation": "培训效果评估",
    "follow_up_feedback": "跟踪反馈",
}
# The materials the printed 附件1 lists, by the notice's names (申报材料 2 and 3); the
# form itself (申报材料 1) is not listed as attached to itself.
MATERIAL_NAMES = {
    "legal_person_certificate": "法人登记证书复印件（加盖单位印章）",
    "written_report": "申报基地的书面报告",
}
# Stamped scans: they exist only after the printed form is stamped, so their absence
# still allows a draft. Application fields, and assessment attachment kinds.
STAMPED_FIELDS = {
    "materials.application_form": "申报表（附件1）盖章扫描件",
    "materials.legal_person_certificate": "法人登记证书复印件（加盖单位印章）扫描件",
}
STAMPED_KINDS = {
    "考核评估表": "考核评估表（附件2）盖章扫描件",
    "收支情况统计表": "收支情况统计表（附件3）盖章扫描件",
}
DRAFT_MARK = "草稿（未盖章）"


def cn_date(text: str | None) -> str:
    """2025-11-05 → 2025年11月5日 (as forms are dated); blank stays blank for handwriting."""
    if not text:
        return "　　年　　月　　日"
    return chinese_date(date.fromisoformat(str(text)))


def yuan(value: Any) -> str:
    return f"{dec(value).quantize(CENT):,.2f}"


def score(value: Any) -> str:
    return f"{dec(value).quantize(CENT)}"


def num(value: Any) -> str:
    if value is None or value == "":
        return ""
    d = dec(value)
    return str(d.quantize(Decimal(1)) if d == d.to_integral() else d.normalize())


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("cebase", "templates/forms"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(cn_date=cn_date, yuan=yuan, num=num, score=score)
    return env


@dataclass(frozen=True)
class FormContext:
    institution: Mapping[str, Any]
    submission: Submission
    cycle: Mapping[str, Any]
    data: Mapping[str, Any]
    catalogue: Mapping[str, Mapping[str, Any]]
    rubric: Mapping[str, Any] | None
    review: Mapping[str, Any] | None


def forms_for(sub: Submission) -> list[str]:
    """Which attachments (附件1/2/3) a submission can be printed as."""
    if sub.get("application") is not None:
        return ["1"]
    if sub.get("assessment") is not None:
        return ["2", "3"]
    return []


def _stamped_gap(f: Finding, data: Mapping[str, Any]) -> str | None:
    """The stamped scan a finding is about (missing, blank or not uploaded), else None."""
    if f.rule == "schema-required" and f.field == "materials":
        present = data.get("materials") or {}
        for field, name in STAMPED_FIELDS.items():
            key = field.split(".")[1]
            # the message names the missing key; a present key is not what it is about
            if key not in present and key in f.message:
                return name
        return None
    if f.rule.startswith("schema-") or f.rule == "attachment-missing":
        if f.field in STAMPED_FIELDS:
            value = (data.get("materials") or {}).get(f.field.split(".")[1])
            if f.rule == "attachment-missing" or value in (None, ""):
                return STAMPED_FIELDS[f.field]
        if f.rule == "attachment-missing" and f.field.startswith("attachments["):
            index = int(f.field[len("attachments[") :].split("]")[0])
            items = data.get("attachments") or []
            kind = items[index].get("kind") if index < len(items) else None
            return STAMPED_KINDS.get(str(kind))
    return None


def stamped_gaps(findings: list[Finding], data: Mapping[str, Any] | None) -> list[str] | None:
    """The stamped scans missing, when they are all the ``findings`` (errors) say; else None.

    ``cebase form`` prints a watermarked draft then: the scan cannot exist before the
    printed form is stamped.
    """
    if data is None or not findings:
        return None
    names = [_stamped_gap(f, data) for f in findings]
    if any(n is None for n in names):
        return None
    return list(dict.fromkeys(n for n in names if n is not None))


def _materials(data: Mapping[str, Any]) -> list[str]:
    """The attached materials of 附件1 by name (never by file name)."""
    m = data.get("materials") or {}
    out = [name for key, name in MATERIAL_NAMES.items() if m.get(key)]
    rules = ((data.get("conditions") or {}).get("management") or {}).get("rules") or {}
    if any(r.get("document") for r in rules.values() if isinstance(r, Mapping)):
        out.append("基地管理制度和教学培训等制度")
    if m.get("licences"):
        out.append(f"有关办学资质材料和证照扫描件（{len(m['licences'])} 份）")
    out += [o["title"] for o in m.get("others") or [] if o.get("title")]
    return out


def _faculty_rows(counts: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for key, label in (("full_time", "专职"), ("part_time", "兼职")):
        values = [int(counts[key][k]) for k in COUNT_KEYS]
        rows.append({"label": label, "values": values, "total": sum(values)})
    sums = [a + b for a, b in zip(rows[0]["values"], rows[1]["values"], strict=True)]
    rows.append({"label": "合计", "values": sums, "total": sum(sums)})
    return rows


def _rubric_rows(ctx: FormContext) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Indicator rows grouped by area (for rowspan) and the totals row."""
    assert ctx.rubric is not None
    indicators = ctx.rubric["indicators"]
    self_scores = ctx.data.get("self_scores", {})
    experts = ((ctx.review or {}).get("expert_review") or {}).get("experts") or []
    expert = (
        indicator_scores(experts, [i["id"] for i in indicators], ctx.cycle.get("scoring", {}))
        if experts
        else {}
    )
    rows: list[dict[str, Any]] = []
    for ind in indicators:
        first = not rows or rows[-1]["area"] != ind["area"]
        rows.append(
            {
                **ind,
                "self": self_scores.get(ind["id"]),
                "expert": expert.get(ind["id"]),
                "span": 0,
                "first": first,
            }
        )
        if first:
            rows[-1]["span"] = sum(1 for i in indicators if i["area"] == ind["area"])
    self_total = sum((dec(v) for v in self_scores.values()), Decimal(0))
    totals = {
        "max": ctx.rubric["total"],
        "self": self_total,
        "expert": total(expert) if expert else None,
        "experts": len(experts),
    }
    return rows, totals


def render(
    reg: Registry, sub: Submission, which: list[str] | None = None, *, draft: bool = False
) -> str:
    """The HTML of the submission's forms (all that apply, or those in ``which``).

    ``draft``: the record's only errors are missing stamped scans (``stamped_gaps``);
    every page then carries the watermark 草稿（未盖章）.
    """
    inst = reg.institutions[sub.uscc]
    kind = "application" if sub.get("application") is not None else "assessment"
    rec = sub.get(kind)
    assert rec is not None and rec.data is not None and (rec.valid or draft)
    assert inst.record is not None and inst.record.valid
    review_rec = sub.get("review")
    review = review_rec.data if review_rec is not None and review_rec.valid else None
    specs = reg.cycle_data(sub.cycle, "specialties") or {"specialties": []}
    ctx = FormContext(
        institution=inst.record.data or {},
        submission=sub,
        cycle=reg.cycle_data(sub.cycle, "cycle") or {},
        data=rec.data or {},
        catalogue={s["code"]: s for s in specs["specialties"]},
        rubric=reg.cycle_data(sub.cycle, "rubric"),
        review=review if review is not None and review.get("subject") == kind else None,
    )
    chosen = [f for f in forms_for(sub) if which is None or f in which]
    env = _env()
    pages = [_page(env, ctx, form) for form in chosen]
    names = "、".join(f"附件{f}" for f in chosen)
    return env.get_template("page.html.j2").render(
        pages=pages,
        draft=DRAFT_MARK if draft else "",
        doc_title=f"{ctx.institution.get('name', sub.uscc)} {sub.cycle} 年度 {names}",
    )


def _page(env: Environment, ctx: FormContext, form: str) -> dict[str, Any]:
    """One form (附件1, 2 or 3) of the printed document."""
    extra: dict[str, Any] = {}
    if form == "1":
        extra["faculty"] = _faculty_rows(ctx.data["conditions"]["faculty"]["counts"])
    if form == "3":
        fin = ctx.data["finance"]
        extra["balance"] = dec(fin["income_total"]) - dec(fin["expenditure_total"])
    if form == "2" and ctx.rubric is not None:
        extra["rows"], extra["totals"] = _rubric_rows(ctx)
    # already escaped by autoescape; Markup keeps the page template from escaping it twice
    html = Markup(
        env.get_template(f"form{form}.html.j2").render(
            ctx=ctx,
            inst=ctx.institution,
            d=ctx.data,
            title=FORMS[form][1],
            number=form,
            levels=LEVELS,
            rule_names=RULE_NAMES,
            materials=_materials(ctx.data) if form == "1" else [],
            **extra,
        )
    )
    # 附件2 is tightened to fit one A4 page
    return {"html": html, "compact": form == "2", "number": form, "title": FORMS[form][1]}
