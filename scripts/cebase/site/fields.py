"""The field reference: every field of a schema, with whether the site publishes it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..schemas import resolve

# The record kinds whose fields the guide documents, in the order of the guide.
FIELD_KINDS = ("institution", "application", "assessment", "review")
TYPES = {
    "object": "映射",
    "array": "列表",
    "string": "文本",
    "integer": "整数",
    "number": "数字",
    "boolean": "是/否",
}


def field_rows(
    node: dict[str, Any], path: str = "", public: bool = True, required: bool = True
) -> Iterator[dict[str, Any]]:
    """Every field of a schema, depth first, with whether it is published."""
    node = resolve(node)
    req = set(node.get("required", []))
    children: list[tuple[str, dict[str, Any], bool]] = [
        (k, v, k in req) for k, v in node.get("properties", {}).items()
    ]
    children += [(f"<{k}>", v, False) for k, v in node.get("patternProperties", {}).items()]
    for key, sub, is_req in children:
        sub = resolve(sub)
        p = f"{path}.{key}" if path else key
        pub = public and sub.get("x-public") is True
        t = sub.get("type", "")
        yield {
            "path": p,
            "title": sub.get("title", ""),
            "type": TYPES.get(t, t),
            "required": is_req and required,
            "public": pub,
            "description": sub.get("description", ""),
            "enum": sub.get("enum"),
        }
        if t == "object":
            yield from field_rows(sub, p, pub, is_req and required)
        elif t == "array" and isinstance(sub.get("items"), dict):
            items = resolve(sub["items"])
            if items.get("type") == "object":
                yield from field_rows(items, p + "[]", pub, False)
