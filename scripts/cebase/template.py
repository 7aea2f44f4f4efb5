"""Blank forms generated from the schemas, so a template can never drift from validation."""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .schemas import SCHEMA_ID, resolve, schema, schema_dir

INDENT = "  "


def _comment(node: Mapping[str, Any], required: bool, pad: str) -> list[str]:
    title = node.get("title", "")
    desc = node.get("description", "")
    head = f"{title}{'' if required else '（选填，不需要可整段删除）'}"
    if node.get("enum"):
        desc = f"{desc} 可选值：{'、'.join(map(str, node['enum']))}。".strip()
    lines = [f"{pad}# {head}"] if head else []
    for chunk in textwrap.wrap(desc, 60):
        lines.append(f"{pad}#   {chunk}")
    return lines


def _blank(node: Mapping[str, Any]) -> str:
    if "const" in node:
        return json.dumps(node["const"], ensure_ascii=False)
    kinds = node.get("type")
    kind = kinds[0] if isinstance(kinds, list) else kinds
    if kind == "array":
        return "[]"
    if kind == "object":
        return "{}"
    if kind == "boolean":
        return "false"
    if kind in ("integer", "number"):
        return ""
    return '""'


def _emit(node: Mapping[str, Any], pad: str, prefill: Mapping[str, Any], out: list[str]) -> None:
    required = set(node.get("required", []))
    for key, sub in node.get("properties", {}).items():
        sub = resolve(sub)
        out.extend(_comment(sub, key in required, pad))
        if key in prefill and not isinstance(prefill[key], Mapping):
            value = prefill[key]
            shown = (
                json.dumps(value, ensure_ascii=False)
                if not isinstance(value, list)
                else _flow(value)
            )
            out.append(f"{pad}{key}: {shown}")
            continue
        kind = sub.get("type")
        if kind == "object" and (sub.get("properties") or isinstance(prefill.get(key), Mapping)):
            out.append(f"{pad}{key}:")
            if sub.get("properties"):
                _emit(sub, pad + INDENT, prefill.get(key, {}), out)
            else:
                for k, v in prefill[key].items():
                    out.append(f"{pad}{INDENT}{k}: {v}")
        elif (
            kind == "array"
            and isinstance(sub.get("items"), dict)
            and resolve(sub["items"]).get("properties")
        ):
            out.append(f"{pad}{key}:")
            item = resolve(sub["items"])
            inner: list[str] = []
            _emit(item, pad + INDENT * 2, {}, inner)
            # first key line of the item carries the list dash
            for i, line in enumerate(inner):
                if not line.lstrip().startswith("#"):
                    inner[i] = f"{pad}{INDENT}- {line.lstrip()}"
                    break
            out.extend(inner)
        else:
            out.append(f"{pad}{key}: {_blank(sub)}".rstrip())
        out.append("") if pad == "" else None


def _flow(items: list[Any]) -> str:
    return "[" + ", ".join(json.dumps(i, ensure_ascii=False) for i in items) + "]"


def schema_ref(target: Path, kind: str) -> str:
    """The schema of ``kind`` relative to the file ``target`` (editors resolve it from there)."""
    schema_file = schema_dir().resolve() / SCHEMA_ID.format(kind)
    return Path(os.path.relpath(schema_file, target.parent.resolve())).as_posix()


def render(kind: str, schema_ref: str, prefill: Mapping[str, Any], header: str = "") -> str:
    """A YAML form for ``kind`` with every field, commented in Chinese, blanks left empty."""
    root = resolve(schema(kind))
    out = [f"# yaml-language-server: $schema={schema_ref}", f"# {root.get('title', kind)}"]
    out += [f"# {line}" for line in header.splitlines()]
    out.append("")
    _emit(root, "", prefill, out)
    return "\n".join(out).rstrip() + "\n"
