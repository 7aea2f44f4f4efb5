"""``check_changes``: every registered change rule over one request, one sorted list.

Importing the rule modules registers their rules (``rule.change_rule``).
"""

from __future__ import annotations

from ..findings import Finding
from . import deadlines, files, identity, scope  # noqa: F401  (they register their rules)
from .change import Request
from .rule import CHANGE_RULES


def check_changes(req: Request) -> list[Finding]:
    """Every finding of the gate about what changed; the records themselves are validated later."""
    out: set[Finding] = set()
    for r in CHANGE_RULES.values():
        if r.trusted if req.trusted else r.untrusted:
            out.update(r.fn(req))
    return sorted(out)
