"""Time and history: nothing filed after its deadline, nothing reviewed taken away."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from .. import layout
from ..findings import Finding
from ..vocab import SUBMISSION_KINDS, Kind, due, kind_name
from .change import Request, Where
from .rule import at, change_rule, q


def submission_kind(req: Request, w: Where) -> str | None:
    """Which deadline a changed file of a submission folder falls under."""
    if w.what in SUBMISSION_KINDS:
        return w.what
    if w.what == layout.SELF_REPORT_PLACE:
        return Kind.ASSESSMENT
    if w.what in (layout.ATTACHMENT_PLACE, layout.KEEP_PLACE):
        folder = f"{req.prefix}{layout.SUBMISSIONS}/{w.uscc}/{w.cycle}"
        for tree in (req.head, req.base):
            for kind in SUBMISSION_KINDS:
                if tree.exists(f"{folder}/{layout.FILE_OF_KIND[kind]}"):
                    return kind
    return None


def _late(req: Request) -> dict[tuple[str, str, str], list[Where]]:
    late: dict[tuple[str, str, str], list[Where]] = defaultdict(list)
    kinds: dict[str, str | None] = {}  # per submission folder, asked once
    for c, path, w in req.places:
        if c.deleted or path != c.path or w.place is None or not w.place.ok or not w.cycle:
            continue  # withdrawing is not filing; unplaced paths are refused anyway
        if w.what in layout.CYCLE_FILES.values() or not w.uscc:
            continue
        key = f"{w.uscc}/{w.cycle}/{w.what}"
        if key not in kinds:
            kinds[key] = submission_kind(req, w)
        kind, cycle = kinds[key], req.cycles.get(w.cycle)
        if kind is None or cycle is None:
            continue  # an unknown cycle is the validator's cycle-unknown finding
        d = due(cycle.data, w.uscc, kind, cycle.extensions)
        if d is not None and req.now > d.last_day:
            late[(w.uscc, w.cycle, kind)].append(w)
    return late


@change_rule("gate-deadline")
def check_deadlines(req: Request) -> Iterator[Finding]:
    """No new or changed application or self-inspection after the deadline, save by extension.

    One finding per late submission, on its record when the record changed, listing the files.
    """
    for (uscc, cyc, kind), places in sorted(_late(req).items()):
        cycle = req.cycles[cyc]  # late only against a known cycle
        d = due(cycle.data, uscc, kind, cycle.extensions)
        assert d is not None
        record = layout.FILE_OF_KIND[kind]
        first = min(places, key=lambda w: w.rel)
        spot = next((w for w in places if w.rel.endswith("/" + record)), first)
        names = "、".join(sorted({w.rel.split("/", 3)[-1] for w in places})[:10])
        zh = kind_name(kind)
        if d.extension:
            why = f"本单位的{zh}获准延期至 {d.extension.isoformat()}，延期已届满"
        else:
            why = f"{cyc} 周期{zh}的截止日期为 {d.deadline.isoformat()}"
        yield at(
            spot,
            "gate-deadline",
            f"{why}，今天（{req.now.isoformat()}）已不能再新增或修改{zh}材料（本次涉及：{names}）。"
            f"如确有特殊情况，请联系{req.contact}申请延期；获准后由管理科登记在本周期 cycle.yaml 的 "
            "extensions 中，再重新运行检查。",
        )


@change_rule("gate-delete-reviewed")
def check_deletions(req: Request) -> Iterator[Finding]:
    """A record a merged review refers to stays: deleting or moving it away is refused."""
    for c, path, w in req.places:
        gone = c.deleted or (c.status == "R" and path == c.old_path)
        if not gone or not w.uscc or w.place is None or not w.place.ok or w.what == Kind.REVIEW:
            continue
        folder = f"{req.prefix}{layout.SUBMISSIONS}/{w.uscc}"
        if w.cycle:
            cycles = [w.cycle]
        else:  # institution.yaml: any review of the institution refers to it
            cycles = [n for n in req.base.names(folder) if layout.CYCLE_ID.fullmatch(n)]
        found = [
            f"{folder}/{cyc}/review.yaml"
            for cyc in cycles
            if req.base.exists(f"{folder}/{cyc}/review.yaml")
        ]
        if found:
            yield at(
                w,
                "gate-delete-reviewed",
                f"{q(w.rel)} 已被 main 分支上的评审记录（{found[0][len(req.prefix) :]}）引用，"
                f"不能删除或移走。如需更正材料，请修改文件内容而不是删除；如需撤回，请联系{req.contact}。",
            )
