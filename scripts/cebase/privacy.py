"""Public by allowlist: what of a record may be published, and masking in messages.

A field is public only when its schema node carries ``x-public: true`` and so
does every container above it. The site and the open data read records only
through ``public_view``.
"""

from __future__ import annotations

import re
from typing import Any

from .idcodes import MOBILE_RE, redact
from .schemas import resolve, schema

__all__ = ["MOBILE_RE", "public_view", "redact"]


class _Plan:
    """The public part of one schema node, resolved once: which keys, patterns and items."""

    __slots__ = ("items", "patterns", "props")

    def __init__(self) -> None:
        self.props: dict[str, _Plan | None] = {}
        self.patterns: list[tuple[re.Pattern[str], _Plan | None]] = []
        self.items: _Plan | None = None


# Keyed by the schema node's id; the node is kept alive beside its plan.
_PLANS: dict[int, tuple[Any, _Plan]] = {}


def _plan(raw: dict[str, Any]) -> _Plan:
    hit = _PLANS.get(id(raw))
    if hit is not None and hit[0] is raw:
        return hit[1]
    plan = _Plan()
    _PLANS[id(raw)] = (raw, plan)  # before recursing, so a recursive schema terminates
    node = resolve(raw)

    def sub(child: Any) -> _Plan | None:
        """A child's plan when the child is public, else None (dropped)."""
        if isinstance(child, dict) and resolve(child).get("x-public") is True:
            return _plan(child)
        return None

    plan.props = {key: sub(child) for key, child in node.get("properties", {}).items()}
    plan.patterns = [(re.compile(p), sub(c)) for p, c in node.get("patternProperties", {}).items()]
    items = node.get("items")
    plan.items = _plan(items) if isinstance(items, dict) else None
    return plan


def _public(plan: _Plan, value: Any) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in plan.props:
                child = plan.props[key]
            else:
                child = next((c for rx, c in plan.patterns if rx.search(key)), None)
            if child is not None:
                out[key] = _public(child, item)
        return out
    if isinstance(value, list):
        if plan.items is None:
            return []
        return [_public(plan.items, item) for item in value]
    return value


def public_view(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """Only the fields of a record that its schema marks ``x-public: true``."""
    return _public(_plan(schema(kind)), data)
