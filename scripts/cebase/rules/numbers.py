"""Figures of the self-inspection: 附件3 totals and 附件2 self-scores."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..registry import Record
from ..scoring import dec
from . import Context, at, rule


@rule("finance-totals", "assessment", emits=("finance-precision",))
def check_finance(rec: Record, ctx: Context) -> Iterator[Finding]:
    """Income and expenditure lines add up to their stated totals (附件3)."""
    finance = rec.data["finance"]
    for side, label in (("income", "收入"), ("expenditure", "支出")):
        lines = finance.get(side, [])
        amounts = [((side, i, "amount"), x["amount"]) for i, x in enumerate(lines)]
        for path, amount in [*amounts, ((f"{side}_total",), finance[f"{side}_total"])]:
            if dec(amount).as_tuple().exponent < -2:
                yield at(
                    rec,
                    ("finance", *path),
                    "finance-precision",
                    f"金额 {amount} 元超过两位小数。金额以元为单位，最多保留到分（两位小数）。",
                )
        stated = dec(finance[f"{side}_total"])
        summed = sum((dec(x["amount"]) for x in lines), dec(0))
        if summed != stated:
            yield at(
                rec,
                ("finance", f"{side}_total"),
                "finance-totals",
                f"{label}合计填写为 {stated:.2f} 元，但各{label}项目相加为 {summed:.2f} 元，相差 {stated - summed:.2f} 元。"
                f"请核对各项金额或更正合计。",
            )


@rule("self-score-max", "assessment", emits=("self-score-missing",))
def check_self_scores(rec: Record, ctx: Context) -> Iterator[Finding]:
    """Every rubric indicator has a self-score within its maximum (附件2)."""
    index = ctx.index(rec.data["cycle"])
    indicators = index.indicators
    if indicators is None:
        return
    scores = rec.data["self_scores"]
    for ind_id, value in scores.items():
        ind = indicators.get(ind_id)
        if ind is None:
            yield at(
                rec,
                ("self_scores", ind_id),
                "self-score-max",
                f"考核评估表中没有指标“{ind_id}”。请使用本周期考核评估表（附件2）中的指标编号。",
                key=True,
            )
        elif (
            ind_id in index.maxima and not 0 <= dec(value) <= index.maxima[ind_id]
        ):  # no max while 待确认
            yield at(
                rec,
                ("self_scores", ind_id),
                "self-score-max",
                f"指标 {ind_id}“{ind['name']}”的自评分 {value} 超出范围（0–{ind['max']} 分）。",
            )
    missing = [i for i in indicators if i not in scores]
    if missing:
        names = "、".join(f"{i}“{indicators[i]['name']}”" for i in missing)
        yield at(
            rec,
            ("self_scores",),
            "self-score-missing",
            f"考核评估表缺少以下指标的自评分：{names}。每个指标都要自评打分。",
        )
