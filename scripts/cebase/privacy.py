"""Public by allowlist: what of a record may be published, and masking in messages.

A field is public only when its schema node carries ``x-public: true`` and so
does every container above it. The site and the open data read records only
through ``public_view``.
"""

from __future__ import annotations

import re
from typing import Any

from .idcodes import redact_ids
from .schemas import resolve, schema

# A mainland mobile number, also written with spaces or hyphens (139 9901 6592).
MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?!\d)")


def redact(text: str) -> str:
    """Mask citizen ID numbers and mobile numbers before a message repeats a value."""
    return MOBILE_RE.sub(r"\1****\3", redact_ids(text))


def _public(node: dict[str, Any], value: Any) -> Any:
    node = resolve(node)
    if isinstance(value, dict):
        props = node.get("properties", {})
        patterns = node.get("patternProperties", {})
        out = {}
        for key, item in value.items():
            sub = props.get(key)
            if sub is None:
                sub = next((n for p, n in patterns.items() if re.search(p, key)), None)
            if isinstance(sub, dict) and resolve(sub).get("x-public") is True:
                out[key] = _public(sub, item)
        return out
    if isinstance(value, list):
        items = node.get("items")
        if not isinstance(items, dict):
            return []
        return [_public(items, item) for item in value]
    return value


def public_view(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """Only the fields of a record that its schema marks ``x-public: true``."""
    return _public(schema(kind), data)
