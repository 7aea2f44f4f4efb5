"""The status machine: which event moves a base from one node of its flow to the next.

Two flows, an application's and a certified base's annual assessment; the
steps they share (filed → 初审 → returned, and a review's 退回) are written
once. An event with no transition from the current node changes nothing (an
expert review date, a 公示 of a refused application). ``ANY`` marks an event
that applies from every node of the flow (an assessment outcome is decided
whatever happened before it, including for a base that filed nothing).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from ..model import Stage
from ..vocab import Kind
from .events import Ev, Event
from .reasons import APPLICATION_NODES, ASSESSMENT_NODES, Node

ANY = "*"
Steps = Mapping[tuple[str, Ev], str]

SHARED: Steps = {
    ("submitted", Ev.PRELIM_PASSED): "preliminary-passed",
    ("submitted", Ev.PRELIM_RETURNED): "returned",
    ("preliminary-passed", Ev.RETURNED): "returned",
}

APPLICATION_STEPS: Steps = {
    **SHARED,
    ("not-filed", Ev.FILED): "submitted",
    ("preliminary-passed", Ev.REFUSED): "refused",
    ("preliminary-passed", Ev.REFUSED_VETO): "refused-veto",
    ("preliminary-passed", Ev.PROPOSED): "proposed",
    ("preliminary-passed", Ev.SCHEDULED): "scheduled",
    ("scheduled", Ev.PUBLICITY_START): "publicity-running",
    ("scheduled", Ev.OBJECTION_UPHELD): "objection-upheld",
    ("publicity-running", Ev.OBJECTION_UPHELD): "objection-upheld",
    ("publicity-running", Ev.PUBLICITY_ENDED): "certified",
}

ASSESSMENT_STEPS: Steps = {
    **SHARED,
    ("awaiting", Ev.FILED): "submitted",
    ("awaiting", Ev.DEADLINE_PASSED): "overdue",
    ("overdue", Ev.FILED): "late",
    ("late", Ev.PRELIM_PASSED): "preliminary-passed",
    ("late", Ev.PRELIM_RETURNED): "returned",
    (ANY, Ev.RETURNED): "returned",
    (ANY, Ev.EXCELLENT): "excellent",
    (ANY, Ev.PASS): "pass",
    (ANY, Ev.RECTIFY): "rectify",
    (ANY, Ev.REVOKED): "revoked",
    (ANY, Ev.REVOKED_VETO): "revoked-veto",
    (ANY, Ev.REVOKED_FORFEIT): "revoked-forfeit",
    ("rectify", Ev.RECTIFY_EXPIRED): "rectify-overdue",
    ("rectify", Ev.RECHECK_PASS): "recheck-pass",
    ("rectify-overdue", Ev.RECHECK_PASS): "recheck-pass",
    ("rectify", Ev.RECHECK_REVOKED): "recheck-revoked",
    ("rectify-overdue", Ev.RECHECK_REVOKED): "recheck-revoked",
}


@dataclass(frozen=True)
class Flow:
    kind: Kind
    stage: Stage
    nodes: Mapping[str, Node]
    steps: Steps

    def next(self, node: str, ev: Ev) -> str | None:
        return self.steps.get((node, ev)) or self.steps.get((ANY, ev))


APPLICATION = Flow(Kind.APPLICATION, Stage.APPLICATION, APPLICATION_NODES, APPLICATION_STEPS)
ASSESSMENT = Flow(Kind.ASSESSMENT, Stage.ASSESSMENT, ASSESSMENT_NODES, ASSESSMENT_STEPS)
FLOWS: Mapping[str, Flow] = {f.kind: f for f in (APPLICATION, ASSESSMENT)}


def replay(flow: Flow, start: str, events: Iterable[Event]) -> Iterator[tuple[Event, str]]:
    """Each event that moves the flow, with the node it moves to."""
    node = start
    for event in events:
        nxt = flow.next(node, event.ev)
        if nxt is not None:
            node = nxt
            yield event, node
