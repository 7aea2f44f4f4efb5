"""Blank forms generated from the schemas, so a template can never drift from validation."""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .armour import is_armoured
from .schemas import SCHEMA_ID, resolve, schema, schema_dir

INDENT = "  "
# After the title of a field the schema marks x-sealed.
SEALED_NOTE = "（个人信息：登记册要求加密时，填好后运行 cebase seal 或用网站表单加密）"


def _comment(node: Mapping[str, Any], required: bool, pad: str) -> list[str]:
    title = node.get("title", "")
    desc = node.get("description", "")
    head = f"{title}{'' if required else '（选填，不需要可整段删除）'}"
    if node.get("x-sealed") is True:
        head += SEALED_NOTE
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


def _item_schema(node: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The schema of a list's items when they are mappings with fields, else None."""
    items = node.get("items")
    if node.get("type") == "array" and isinstance(items, dict):
        item = resolve(items)
        if item.get("properties"):
            return item
    return None


def _scalar(value: Any) -> str:
    return _flow(value) if isinstance(value, list) else json.dumps(value, ensure_ascii=False)


def _free_mapping(
    key: str, value: Any, pad: str, notes: Mapping[str, Mapping[str, str]]
) -> list[str]:
    """A mapping without declared fields (self-scores): noted keys first, each with its note."""
    given = value if isinstance(value, Mapping) else {}
    noted = notes.get(key, {})
    keys = [*noted, *(k for k in given if k not in noted)]
    if not keys:
        return [f"{pad}{key}: {{}}"]
    out = [f"{pad}{key}:"]
    for k in keys:
        shown = f" {_scalar(given[k])}" if k in given else ""
        out.append(
            f"{pad}{INDENT}{k}:{shown}  # {noted[k]}" if k in noted else f"{pad}{INDENT}{k}:{shown}"
        )
    return out


def _items(key: str, item: Mapping[str, Any], value: Any, pad: str, complete: bool) -> list[str]:
    """A list of mappings: each item's fields, the first line carrying the list dash."""
    rows = value if isinstance(value, list) else [{}]
    if not rows:
        return [f"{pad}{key}: []"]
    out = [f"{pad}{key}:"]
    for row in rows:
        inner: list[str] = []
        _emit(item, pad + INDENT * 2, row if isinstance(row, Mapping) else {}, inner, complete, {})
        for i, line in enumerate(inner):
            if not line.lstrip().startswith("#"):
                inner[i] = f"{pad}{INDENT}- {line.lstrip()}"
                break
        out.extend(inner)
    return out


def _emit(
    node: Mapping[str, Any],
    pad: str,
    data: Mapping[str, Any],
    out: list[str],
    complete: bool = False,
    notes: Mapping[str, Mapping[str, str]] | None = None,
) -> None:
    """Every field of ``node`` with its comment; values from ``data``, blanks elsewhere.

    ``complete``: ``data`` is a whole record (the site's forms), so an optional field
    it leaves out is left out of the file too.
    """
    notes = notes or {}
    required = set(node.get("required", []))
    for key, sub in node.get("properties", {}).items():
        sub = resolve(sub)
        given = key in data
        if complete and not given and key not in required:
            continue
        out.extend(_comment(sub, key in required, pad))
        value = data.get(key)
        item = _item_schema(sub)
        if given and sub.get("x-sealed") is True and is_armoured(value):
            out.extend(_sealed_block(key, value, pad))
        elif sub.get("type") == "object" and sub.get("properties"):
            out.append(f"{pad}{key}:")
            _emit(sub, pad + INDENT, value if isinstance(value, Mapping) else {}, out, complete)
        elif sub.get("type") == "object":
            out.extend(_free_mapping(key, value, pad, notes))
        elif item is not None:
            out.extend(_items(key, item, value if given else None, pad, complete))
        elif given:
            out.append(f"{pad}{key}: {_scalar(value)}")
        else:
            out.append(f"{pad}{key}: {_blank(sub)}".rstrip())
        if pad == "":
            out.append("")


def _sealed_block(key: str, armour: str, pad: str) -> list[str]:
    """A sealed value as ``cebase seal`` writes it: a literal block under its key."""
    return [f"{pad}{key}: |", *(f"{pad}{INDENT}{line}" for line in armour.strip().split("\n"))]


def _flow(items: list[Any]) -> str:
    return "[" + ", ".join(json.dumps(i, ensure_ascii=False) for i in items) + "]"


def schema_ref(target: Path, kind: str) -> str:
    """The schema of ``kind`` relative to the file ``target`` (editors resolve it from there)."""
    schema_file = schema_dir().resolve() / SCHEMA_ID.format(kind)
    return Path(os.path.relpath(schema_file, target.parent.resolve())).as_posix()


def render(
    kind: str,
    schema_ref: str,
    prefill: Mapping[str, Any],
    header: str = "",
    *,
    complete: bool = False,
    notes: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """A YAML form for ``kind``, every field commented in Chinese, blanks left empty.

    ``prefill``: values to write (``complete``: the whole record, see ``_emit``);
    ``notes``: comments for the keys of a mapping without declared fields, by its name
    (the rubric's indicators for ``self_scores``). The site's forms write the same text
    with a JavaScript port of this module (docs/assets/forms/forms.js).
    """
    root = resolve(schema(kind))
    out = [f"# yaml-language-server: $schema={schema_ref}", f"# {root.get('title', kind)}"]
    out += [f"# {line}" for line in header.splitlines()]
    out.append("")
    _emit(root, "", prefill, out, complete, notes)
    return "\n".join(out).rstrip() + "\n"


# The blank templates the site offers for download (docs/forms/templates/), written for
# their place in the repository: ``submissions/<code>/institution.yaml`` and
# ``submissions/<code>/<cycle>/<kind>.yaml``.
BLANK_REFS = {
    "institution": "../../schemas/institution.schema.json",
    "application": "../../../schemas/application.schema.json",
    "assessment": "../../../schemas/assessment.schema.json",
}


def blank_templates(header: str) -> dict[str, str]:
    """File name -> text of each blank template."""
    return {f"{kind}.yaml": render(kind, ref, {}, header) for kind, ref in BLANK_REFS.items()}
