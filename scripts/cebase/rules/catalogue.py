"""Specialties (附件4): codes and levels exist in the cycle's catalogue."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..findings import Finding, Severity
from ..registry import Record
from ..vocab import PENDING_CONFIRMATION
from . import Context, at, rule

# Where each kind of record names specialties: (path to a list, whether items carry levels).
SPECIALTY_LISTS = {
    "application": [(("specialties",), True)],
    "assessment": [(("specialty_changes", "add"), True), (("specialty_changes", "drop"), False)],
    "review": [
        (("approved_specialties",), True),
        (("approved_changes", "add"), True),
        (("approved_changes", "drop"), False),
    ],
}


def _get(data: dict[str, Any], path: tuple[str, ...]) -> list[Any]:
    node: Any = data
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, list) else []


def _pending(ctx: Context, cycle_id: str) -> bool:
    data = ctx.registry.cycle_data(cycle_id, "specialties")
    return data is not None and data.get("status") == PENDING_CONFIRMATION


@rule("specialty-code", "application", "assessment", "review", emits=("specialty-level",))
def check_specialties(rec: Record, ctx: Context) -> Iterator[Finding]:
    """Specialty codes are in the cycle's catalogue and levels are offered for them."""
    data = rec.data
    cat = ctx.index(data.get("cycle")).catalogue
    if cat is None:
        return
    for list_path, with_levels in SPECIALTY_LISTS[rec.kind]:
        for i, item in enumerate(_get(data, list_path)):
            # a list of bare codes, or of {code, levels, ...}
            code, code_path = (
                (item, (*list_path, i))
                if isinstance(item, str)
                else (item["code"], (*list_path, i, "code"))
            )
            spec = cat.get(code)
            if spec is None and _pending(ctx, str(data.get("cycle"))):
                yield at(
                    rec,
                    code_path,
                    "specialty-code",
                    f"本周期的专业一览表（附件4）尚待市人社局公布，专业代码“{code}”暂无法核对。"
                    "公布后请按公开站点的“专业目录”核对代码和级别。",
                    severity=Severity.WARNING,
                )
                continue
            if spec is None:
                yield at(
                    rec,
                    code_path,
                    "specialty-code",
                    f"专业代码“{code}”不在本周期的专业一览表（附件4）中。请在公开站点的“专业目录”中查找正确代码。",
                )
                continue
            if not with_levels:
                continue
            offered = spec.get("levels", [])
            for j, level in enumerate(item.get("levels", []) if isinstance(item, dict) else []):
                if level not in offered:
                    yield at(
                        rec,
                        (*list_path, i, "levels", j),
                        "specialty-level",
                        f"专业“{spec['name']}”（{code}）在本周期不开展“{level}”培训。"
                        f"可选级别：{'、'.join(offered)}。",
                    )
