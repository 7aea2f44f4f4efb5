"""The JSON Schemas: one per file kind, shared by CI, the CLI, the site and editors.

The schemas live in the repository's top-level ``schemas/`` folder and belong
to the tool, whatever registry ``--root`` points at. Schema errors become
findings positioned on the offending YAML node, in Chinese.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from .fastcheck import Check, Unsupported, compile_schema
from .findings import Finding, field_path
from .loader import Document

KINDS = (
    "institution",
    "application",
    "assessment",
    "review",
    "cycle",
    "specialties",
    "rubric",
    "checklists",
)
SCHEMA_ID = "urn:cebase:schema:{}"


def schema_dir() -> Path:
    """The top-level ``schemas/``, shipped as package data (``cebase/shipped/schemas``)."""
    override = os.environ.get("CEBASE_SCHEMAS")
    if override:
        return Path(override)
    return Path(str(resources.files("cebase") / "shipped" / "schemas"))


@functools.cache
def _load_all() -> dict[str, dict[str, Any]]:
    out = {}
    for file in sorted(schema_dir().glob("*.schema.json")):
        out[file.name.removesuffix(".schema.json")] = json.loads(file.read_text("utf-8"))
    return out


def schema(kind: str) -> dict[str, Any]:
    return _load_all()[kind]


@functools.cache
def _registry() -> Registry:
    resources = [(s["$id"], Resource.from_contents(s)) for s in _load_all().values()]
    return Registry().with_resources(resources)


def _inline(node: Any) -> Any:
    """``node`` with every ``$ref`` replaced by what it points at (our refs are not recursive).

    The published schemas keep their ``$ref``s for editors; validation uses the
    inlined copy, which checks the same and skips a lookup per reference.
    """
    if isinstance(node, dict):
        if "$ref" in node:
            target = _registry().resolver().lookup(node["$ref"]).contents
            merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
            return _inline(merged)
        return {k: _inline(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v) for v in node]
    return node


@functools.cache
def validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(
        _inline(schema(kind)),
        registry=_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow ``$ref`` chains to the schema node that describes a value."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 16:
        node = _registry().resolver().lookup(node["$ref"]).contents | {
            k: v for k, v in node.items() if k != "$ref"
        }
        seen += 1
    return node


def subschema(kind: str, path: tuple[str | int, ...]) -> dict[str, Any] | None:
    """The schema node describing the value at ``path`` (None if the schema says nothing)."""
    node: Any = resolve(schema(kind))
    for part in path:
        parent, node = node, None
        if isinstance(part, int):
            node = parent.get("items")
        elif part in parent.get("properties", {}):
            node = parent["properties"][part]
        else:
            for pattern, pattern_node in parent.get("patternProperties", {}).items():
                if re.search(pattern, part):
                    node = pattern_node
                    break
            else:
                node = parent.get("additionalProperties")
        if not isinstance(node, dict):
            return None
        node = resolve(node)
    return node


def _title(node: Any, fallback: str) -> str:
    if isinstance(node, dict):
        node = resolve(node)
        if node.get("title"):
            return f"{fallback}（{node['title']}）"
    return fallback


def _show(value: Any) -> str:
    """A value as the institution wrote it, shortened and without personal numbers."""
    from .privacy import redact  # late import: privacy uses schema helpers too

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "（映射）"
    if isinstance(value, list):
        return "（列表）"
    if value is None:
        return "（空）"
    text = redact(str(value))
    return f"“{text[:60]}…”" if len(text) > 60 else f"“{text}”"


_TYPE_NAMES = {
    "object": "映射（“字段名: 值”）",
    "array": "列表（每项以“- ”开头）",
    "string": "文本",
    "integer": "整数",
    "number": "数字",
    "boolean": "true 或 false",
    "null": "空值",
}


def _message(err: ValidationError) -> tuple[str, tuple[str | int, ...], bool]:
    """Chinese message, the path to point at, and whether to point at the key."""
    path = tuple(err.absolute_path)
    v = err.validator
    here = field_path(path) or "文件顶层"
    sch = err.schema if isinstance(err.schema, dict) else {}
    label = _title(sch, f"字段 {here}")
    value = err.instance
    if v == "required":
        missing = err.message.split("'")[1] if "'" in err.message else str(err.validator_value)
        prop = sch.get("properties", {}).get(missing, {})
        where = "文件顶层" if not path else f"“{here}”下"
        return (f"{where}缺少必填字段 {_title(prop, missing)}。请补上“{missing}: …”。", path, False)
    if v == "additionalProperties":
        allowed = sorted(sch.get("properties", {}))
        extras = sorted(set(value) - set(allowed)) if isinstance(value, dict) else []
        name = extras[0] if extras else "?"
        hint = f"允许的字段有：{'、'.join(allowed)}。" if allowed else ""
        return (f"不认识的字段“{name}”（可能拼写有误或缩进错位）。{hint}", (*path, name), True)
    if v == "type":
        want = err.validator_value
        wants = [want] if isinstance(want, str) else list(want)
        names = "或".join(_TYPE_NAMES.get(w, w) for w in wants)
        extra = ""
        if "string" in wants and isinstance(value, (int, float)) and not isinstance(value, bool):
            extra = "如需以 0 开头或纯数字的文本，请用英文引号括起来。"
        if "boolean" in wants and isinstance(value, str):
            extra = "请写 true（是）或 false（否）。"
        return (f"{label}应为{names}，实际是{_show(value)}。{extra}", path, False)
    if v == "enum":
        opts = "、".join(str(o) for o in err.validator_value)
        return (f"{label}的值{_show(value)}不在允许范围内。可选值：{opts}。", path, False)
    if v == "const":
        return (f"{label}必须为“{err.validator_value}”，实际是{_show(value)}。", path, False)
    if v == "pattern":
        fmt = sch.get("x-format-hint") or sch.get("description", "")
        return (f"{label}的格式不正确：{_show(value)}。{fmt}", path, False)
    if v == "format":
        names = {"date": "日期（YYYY-MM-DD，且须是真实日期）", "email": "电子邮箱", "uri": "网址"}
        return (
            f"{label}应为{names.get(err.validator_value, err.validator_value)}，实际是{_show(value)}。",
            path,
            False,
        )
    if v == "maxLength":
        return (
            f"{label}过长：最多 {err.validator_value} 个字符，实际 {len(value)} 个。请精简。",
            path,
            False,
        )
    if v == "minLength":
        return (f"{label}不能为空（至少 {err.validator_value} 个字符）。", path, False)
    if v in ("minimum", "exclusiveMinimum"):
        op = "不小于" if v == "minimum" else "大于"
        return (f"{label}应{op} {err.validator_value}，实际是 {value}。", path, False)
    if v in ("maximum", "exclusiveMaximum"):
        op = "不大于" if v == "maximum" else "小于"
        return (f"{label}应{op} {err.validator_value}，实际是 {value}。", path, False)
    if v == "multipleOf":
        return (
            f"{label}的精度不正确：{value} 应为 {err.validator_value} 的整数倍（金额最多保留两位小数）。",
            path,
            False,
        )
    if v == "minItems":
        return (f"{label}至少需要 {err.validator_value} 项。", path, False)
    if v == "maxItems":
        return (f"{label}最多 {err.validator_value} 项，实际 {len(value)} 项。", path, False)
    if v == "uniqueItems":
        return (f"{label}中有重复的项，请删除重复项。", path, False)
    if v == "propertyNames":
        return (f"{label}中有不允许的字段名：{err.message.split(' ')[0]}。", path, False)
    if v in ("minProperties",):
        return (f"{label}至少需要 {err.validator_value} 个字段。", path, False)
    if v in ("oneOf", "anyOf"):
        return (f"{label}不符合任何一种允许的写法，请对照模板检查。", path, False)
    if v == "not":
        why = sch.get("description", "")
        return (f"{label}在这里不应填写。{why}", path, True)
    if v in ("dependentRequired", "dependencies"):
        return (f"{label}缺少相关的必填字段：{err.message}。", path, False)
    return (f"{label}不符合要求（{v}）。请对照模板检查。", path, False)


def _leaf_errors(err: ValidationError) -> Iterator[ValidationError]:
    """For if/then and allOf the interesting error is nested; report the leaves."""
    if err.validator in ("oneOf", "anyOf") and err.context:
        from jsonschema.exceptions import best_match

        yield from _leaf_errors(best_match(err.context))
        return
    yield err


@functools.cache
def _fast(kind: str) -> Check | None:
    try:
        return compile_schema(_inline(schema(kind)))
    except Unsupported:
        return None


def validate(doc: Document, kind: str) -> list[Finding]:
    fast = _fast(kind)
    if fast is not None and fast(doc.data):
        return []  # the usual case; jsonschema below explains the rest
    findings = []
    for err in validator(kind).iter_errors(doc.data):
        for leaf in _leaf_errors(err):
            message, path, at_key = _message(leaf)
            line, col = doc.pos(path, key=at_key)
            findings.append(
                Finding(
                    doc.path, line, col, f"schema-{leaf.validator}", message, field=field_path(path)
                )
            )
    return sorted(set(findings))
