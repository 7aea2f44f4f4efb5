"""The registry of change rules: small generators over a ``Request``, like the record rules.

Each rule has an id and says whether it also applies to the bureau's own pull
requests (``trusted``); ``check_changes`` runs them all and returns one sorted
list. A rule reads authorisation data (maintainers, extensions, reviews,
incumbents) from the BASE tree only, never from the head the author controls.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..findings import Finding, Severity
from .change import Request, Where, shown

ChangeRuleFn = Callable[[Request], Iterable[Finding]]


@dataclass(frozen=True)
class ChangeRule:
    id: str
    fn: ChangeRuleFn
    untrusted: bool = True  # runs for institutions' pull requests
    trusted: bool = True  # runs for the bureau's pull requests

    @property
    def doc(self) -> str:
        return (self.fn.__doc__ or "").strip().splitlines()[0]


CHANGE_RULES: dict[str, ChangeRule] = {}


def change_rule(
    rule_id: str, *, untrusted: bool = True, trusted: bool = True
) -> Callable[[ChangeRuleFn], ChangeRuleFn]:
    def register(fn: ChangeRuleFn) -> ChangeRuleFn:
        CHANGE_RULES[rule_id] = ChangeRule(rule_id, fn, untrusted, trusted)
        return fn

    return register


def at(w: Where, rule: str, message: str, severity: Severity = Severity.ERROR) -> Finding:
    return Finding(shown(w.rel), 0, 0, rule, message, severity)


def whole(rule: str, message: str) -> Finding:
    """A finding about the whole pull request."""
    return Finding("", 0, 0, rule, message)


def q(path: str) -> str:
    return f"“{shown(path)}”"  # a file name is never a reason to repeat an ID number
