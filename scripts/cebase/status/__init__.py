"""The status engine: where every institution stands on a date, and why.

``evaluate(registry, now)`` is a pure function of the records and ``now``: the
site, the reviewers' queue and the gate all read it, and nothing stores a
status by hand. The package is a small machine:

- ``events``: dated events out of the records (only those on or before ``now`` count);
- ``machine``: the transition table of the two flows (application, assessment);
- ``reasons``: the rule ids, the reason of each node, the public reasons of a notice;
- ``state``/``flows``: one institution's replay and the effects of each move;
- ``engine``: the registry, cycle by cycle, and the reviewers' queue;
- ``notices``: the public notices, one per 公示 batch and per decision date.
"""

from __future__ import annotations

from .engine import declared_days, evaluate, queue
from .notices import Batch, NoticeItem, NoticeKind, notices
from .reasons import NOTICE_REASONS, RULES

__all__ = [
    "NOTICE_REASONS",
    "RULES",
    "Batch",
    "NoticeItem",
    "NoticeKind",
    "declared_days",
    "evaluate",
    "notices",
    "queue",
]
