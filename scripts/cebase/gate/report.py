"""The gate's structured report: everything the pull-request comment says, as JSON values.

The comment is rendered from this report (``comment.render``), never from
Markdown handed over by another job, so the words on the pull request are
always the base commit's code speaking about the pull request's data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from ..checklist import evaluate_checklist
from ..findings import Severity
from ..vocab import SUBMISSION_KINDS, Kind
from .change import shown
from .printable import Printed
from .run import Result

FORMAT = "cebase-gate-report/1"


def _name(result: Result, uscc: str) -> str:
    inst = result.registry.institutions.get(uscc)
    data = inst.record.data if inst is not None and inst.record is not None else None
    name = data.get("name") if isinstance(data, dict) else None
    return name if isinstance(name, str) else ""


def _institutions(result: Result) -> list[dict[str, Any]]:
    usccs = sorted({w.uscc for _, _, w in result.request.places if w.uscc})
    out = []
    for uscc in usccs:
        subs = [s for s in result.submissions if s.uscc == uscc]
        out.append(
            {
                "uscc": shown(uscc),
                "name": shown(_name(result, uscc)),
                "submissions": [
                    {
                        "cycle": s.cycle,
                        "kinds": [k for k in (*SUBMISSION_KINDS, Kind.REVIEW) if k in s.records],
                    }
                    for s in subs
                ],
            }
        )
    return out


def _change(result: Result, c: Any) -> dict[str, Any]:
    prefix = result.request.prefix
    rel = c.path[len(prefix) :] if prefix and c.path.startswith(prefix) else c.path
    return {"path": shown(rel), "status": c.status, "mode": f"{c.mode:06o}"}


def build(
    result: Result, *, checklists: bool = True, forms: Sequence[Printed] = ()
) -> dict[str, Any]:
    """The report of one run of the gate, as plain JSON values (``forms``: what was printed)."""
    req = result.request
    errors = sum(f.severity is Severity.ERROR for f in result.findings)
    lists = []
    if checklists:
        for sub in result.submissions:
            lists.append(asdict(evaluate_checklist(result.registry, sub, req.now)))
    return {
        "format": FORMAT,
        "ok": errors == 0,
        "errors": errors,
        "warnings": len(result.findings) - errors,
        "files": result.files,
        "author": req.author,
        "trusted": req.trusted,
        "now": req.now.isoformat(),
        "contacts": list(req.contacts),
        "changes": [_change(result, c) for c in result.changes],
        "institutions": _institutions(result),
        "findings": [f.as_dict() for f in result.findings],
        "checklists": lists,
        "forms": [p.as_dict() for p in forms],
    }
