"""Sealing and opening a record's YAML text in place, by node positions.

Only the sealed fields' values change; every other line, comment and the key
order stay as written. A comment on the sealed key's line (or after its value)
moves behind the ``|`` of the armoured block; comments inside a sealed value
are sealed away with it (they may name people too) and are not restored on
opening. The result is loaded again and compared before it is handed back, so
a file is never rewritten into something that reads differently.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import yaml

from .armour import is_armoured
from .loader import Path_, load_yaml_text, plain_value
from .seal import EMPTY, open_value, seal_value, sealed_places

try:  # the same parser as the loader
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - only without libyaml
    _Loader = yaml.SafeLoader

Nodes = dict[Path_, tuple[yaml.Node, yaml.Node, bool]]  # key node, value node, in a flow mapping


class _Dumper(yaml.SafeDumper):
    """Block YAML whose strings read back as strings under our stricter loader."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # lists indented under their key, as we write them


def _str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = None if isinstance(plain_value(data), str) else '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str)


def _nodes(text: str) -> Nodes:
    out: Nodes = {}

    def walk(node: yaml.Node, here: Path_) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                path = (*here, key.value)
                out[path] = (key, value, bool(node.flow_style))
                walk(value, path)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*here, i))

    root = yaml.compose(text, Loader=_Loader)
    if root is not None:
        walk(root, ())
    return out


def _end(text: str, node: yaml.Node) -> int:
    """Where a value's own text ends (a block collection ends with its last leaf)."""
    if isinstance(node, yaml.ScalarNode):
        if node.style in ("|", ">"):  # the mark is past the trailing line breaks
            return len(text[: node.end_mark.index].rstrip())
        return node.end_mark.index
    if node.flow_style or not node.value:
        return node.end_mark.index
    last = node.value[-1]
    return _end(text, last[1] if isinstance(last, tuple) else last)


def _comment(fragment: str) -> str:
    at = fragment.find("#")
    return fragment[at:].rstrip() if at >= 0 and not fragment[:at].strip(" :|>+-") else ""


def _render(value: Any, indent: str, *, sealed: bool, flow: bool) -> tuple[str, bool]:
    """The value's new text after ``key:`` and whether it is a block (starts a new line)."""
    if sealed:
        if flow:
            return " " + json.dumps(value), False
        lines = value.rstrip("\n").split("\n")
        return " |\n" + "\n".join(indent + line for line in lines), True
    if isinstance(value, dict | list) and value and not flow:
        block = yaml.dump(value, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096)
        return "\n" + "\n".join(indent + line for line in block.rstrip("\n").split("\n")), True
    if isinstance(value, str) and not flow:
        plain = yaml.dump(value, Dumper=_Dumper, allow_unicode=True, width=4096)
        plain = plain.removesuffix("\n...\n").rstrip("\n")
        if "\n" not in plain:
            return " " + plain, False
    return " " + json.dumps(value, ensure_ascii=False), False


def _edit(text: str, nodes: Nodes, path: Path_, new: Any, *, sealed: bool) -> tuple[int, int, str]:
    key, value, flow = nodes[path]
    start, end = key.end_mark.index, _end(text, value)
    comments = []
    if not flow:
        if value.start_mark.line > key.end_mark.line or getattr(value, "style", "") in "|>":
            comments.append(_comment(text[start : text.find("\n", start)]))
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        if tail := _comment(text[end:line_end]):
            comments.append(tail)
            end = line_end
    note = "  ".join(c for c in comments if c)
    body, block = _render(new, " " * (key.start_mark.column + 2), sealed=sealed, flow=flow)
    if note and block:
        head, _, rest = body.partition("\n")
        body = f"{head}  {note}\n{rest}" if head.strip() else f"  {note}\n{rest}"
    elif note:
        body += "  " + note
    return start, end, ":" + body


Change = Callable[[Any], tuple[Any, bool] | None]  # value -> (new value, sealed?) or None


def _rewrite(path: str, text: str, kind: str, change: Change) -> tuple[str, int]:
    loaded = load_yaml_text(path, text)
    if loaded.document is None:
        raise ValueError("；".join(f.message for f in loaded.findings) or "无法读取此文件。")
    nodes = _nodes(text)
    edits, expect = [], loaded.document.data
    for where, parent, key in list(sealed_places(kind, expect)):
        result = change(parent[key])
        if result is None:
            continue
        new, sealed = result
        edits.append(_edit(text, nodes, where, new, sealed=sealed))
        parent[key] = new
    for start, end, new_text in sorted(edits, reverse=True):
        text = text[:start] + new_text + text[end:]
    again = load_yaml_text(path, text).document
    if again is None or again.data != expect:  # pragma: no cover - a bug, not a user error
        raise RuntimeError(f"rewriting {path} would change what it says")
    return text, len(edits)


def seal_text(path: str, text: str, kind: str, recipients: Sequence[Any]) -> tuple[str, int]:
    """The record's text with every plaintext sealed field sealed; and how many."""

    def change(value: Any) -> tuple[Any, bool] | None:
        if is_armoured(value) or value in EMPTY:
            return None
        return seal_value(value, recipients), True

    return _rewrite(path, text, kind, change)


def open_text(path: str, text: str, kind: str, identities: Sequence[Any]) -> tuple[str, int]:
    """The record's text with every sealed field opened; pyrage.DecryptError if a key is missing."""

    def change(value: Any) -> tuple[Any, bool] | None:
        return (open_value(value, identities), False) if is_armoured(value) else None

    return _rewrite(path, text, kind, change)


def reseal_text(
    path: str, text: str, kind: str, identities: Sequence[Any], recipients: Sequence[Any]
) -> tuple[str, int]:
    """Every sealed field sealed afresh to ``recipients`` (plaintext ones too)."""

    def change(value: Any) -> tuple[Any, bool] | None:
        if is_armoured(value):
            value = open_value(value, identities)
        elif value in EMPTY:
            return None
        return seal_value(value, recipients), True

    return _rewrite(path, text, kind, change)
