"""Chinese explanations of JSON Schema errors: what is wrong, where, and how to fix it.

One small function per schema keyword, chosen from a table; each returns the
message, the path to point at and whether to point at the key. The value
repeated in a message is shortened and has personal numbers masked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from jsonschema.exceptions import ValidationError

from .findings import field_path
from .idcodes import redact

Path_ = tuple[str | int, ...]
Explained = tuple[str, Path_, bool]
Resolve = Callable[[dict[str, Any]], dict[str, Any]]

_TYPE_NAMES = {
    "object": "映射（“字段名: 值”）",
    "array": "列表（每项以“- ”开头）",
    "string": "文本",
    "integer": "整数",
    "number": "数字",
    "boolean": "true 或 false",
    "null": "空值",
}
_FORMAT_NAMES = {"date": "日期（YYYY-MM-DD，且须是真实日期）", "email": "电子邮箱", "uri": "网址"}

# Dates as people write them: 2025/11/5, 2025-11-5, 2025.11.5, 2025年11月5日.
_LOOSE_DATE = re.compile(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*")
# A number with a unit or 万 (30万元, 1.5万, 200元, 6 人).
_NUMBER_WITH_UNIT = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(万)?\s*(元|人|个|间|台|平方米|㎡)?\s*")


def show(value: Any) -> str:
    """A value as the institution wrote it, shortened and without personal numbers."""
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


def date_fix(value: Any) -> str | None:
    """The ``YYYY-MM-DD`` form of a date written another way, if it is a real date."""
    from datetime import date

    if not isinstance(value, str):
        return None
    m = _LOOSE_DATE.fullmatch(value)
    if m is None:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


def number_fix(value: Any) -> str | None:
    """How to write a number given with a unit or 万: ``30万元`` is ``300000``."""
    if not isinstance(value, str) or (m := _NUMBER_WITH_UNIT.fullmatch(value)) is None:
        return None
    if not (m[2] or m[3]):
        return None
    from decimal import Decimal

    number = Decimal(m[1]) * (10000 if m[2] else 1)
    text = format(number.normalize(), "f")
    return text


class _Err:
    """What a message function needs of one error, read once."""

    def __init__(self, err: ValidationError, resolve: Resolve) -> None:
        self.err = err
        self.path: Path_ = tuple(err.absolute_path)
        self.here = field_path(self.path) or "文件顶层"
        self.schema: dict[str, Any] = err.schema if isinstance(err.schema, dict) else {}
        self.resolve = resolve
        self.label = self.title(self.schema, f"字段 {self.here}")
        self.value = err.instance
        self.want = err.validator_value

    def title(self, node: Any, fallback: str) -> str:
        if isinstance(node, dict):
            node = self.resolve(node)
            if node.get("title"):
                return f"{fallback}（{node['title']}）"
        return fallback

    def say(self, message: str, at_key: bool = False) -> Explained:
        return message, self.path, at_key


def _required(e: _Err) -> Explained:
    msg = e.err.message
    missing = msg.split("'")[1] if "'" in msg else str(e.want)
    prop = e.schema.get("properties", {}).get(missing, {})
    where = "文件顶层" if not e.path else f"“{e.here}”下"
    return e.say(f"{where}缺少必填字段 {e.title(prop, missing)}。请补上“{missing}: …”。")


def _additional(e: _Err) -> Explained:
    allowed = sorted(e.schema.get("properties", {}))
    value = e.value
    extras = sorted(set(value) - set(allowed)) if isinstance(value, dict) else []
    name = extras[0] if extras else "?"
    hint = f"允许的字段有：{'、'.join(allowed)}。" if allowed else ""
    return (f"不认识的字段“{name}”（可能拼写有误或缩进错位）。{hint}", (*e.path, name), True)


def _type(e: _Err) -> Explained:
    wants = [e.want] if isinstance(e.want, str) else list(e.want)
    names = "或".join(_TYPE_NAMES.get(w, w) for w in wants)
    value, extra = e.value, ""
    if "string" in wants and isinstance(value, int | float) and not isinstance(value, bool):
        extra = "如需以 0 开头或纯数字的文本，请用英文引号括起来。"
    if "boolean" in wants and isinstance(value, str):
        extra = "请写 true（是）或 false（否）。"
    if {"integer", "number"} & set(wants) and (fixed := number_fix(value)) is not None:
        extra = f"只写阿拉伯数字，不带单位或“万”：改为 {fixed}。"
    return e.say(f"{e.label}应为{names}，实际是{show(value)}。{extra}")


def _enum(e: _Err) -> Explained:
    opts = "、".join(str(o) for o in e.want)
    return e.say(f"{e.label}的值{show(e.value)}不在允许范围内。可选值：{opts}。")


def _pattern(e: _Err) -> Explained:
    fixed = date_fix(e.value) if e.schema.get("format") == "date" else None
    if fixed is not None and fixed != e.value:
        return e.say(f"{e.label}的写法不正确：{show(e.value)}。日期写作“年-月-日”：改为 {fixed}。")
    hint = e.schema.get("x-format-hint") or e.schema.get("description", "")
    return e.say(f"{e.label}的格式不正确：{show(e.value)}。{hint}")


def _format(e: _Err) -> Explained:
    name = _FORMAT_NAMES.get(e.want, e.want)
    return e.say(f"{e.label}应为{name}，实际是{show(e.value)}。")


def _length(e: _Err) -> Explained:
    if e.err.validator == "minLength":
        return e.say(f"{e.label}不能为空（至少 {e.want} 个字符）。")
    return e.say(f"{e.label}过长：最多 {e.want} 个字符，实际 {len(e.value)} 个。请精简。")


_BOUNDS = {
    "minimum": "不小于",
    "exclusiveMinimum": "大于",
    "maximum": "不大于",
    "exclusiveMaximum": "小于",
}


def _bound(e: _Err) -> Explained:
    return e.say(f"{e.label}应{_BOUNDS[e.err.validator]} {e.want}，实际是 {e.value}。")


def _const(e: _Err) -> Explained:
    return e.say(f"{e.label}必须为“{e.want}”，实际是{show(e.value)}。")


def _multiple(e: _Err) -> Explained:
    return e.say(
        f"{e.label}的精度不正确：{e.value} 应为 {e.want} 的整数倍（金额最多保留两位小数）。"
    )


def _items(e: _Err) -> Explained:
    if e.err.validator == "minItems":
        return e.say(f"{e.label}至少需要 {e.want} 项。")
    return e.say(f"{e.label}最多 {e.want} 项，实际 {len(e.value)} 项。")


def _simple(template: str, at_key: bool = False) -> Callable[[_Err], Explained]:
    def message(e: _Err) -> Explained:
        return e.say(
            template.format(
                label=e.label,
                want=e.want,
                msg=e.err.message,
                first=e.err.message.split(" ")[0],
                why=e.schema.get("description", ""),
            ),
            at_key,
        )

    return message


_MESSAGES: dict[str, Callable[[_Err], Explained]] = {
    "required": _required,
    "additionalProperties": _additional,
    "type": _type,
    "enum": _enum,
    "const": _const,
    "pattern": _pattern,
    "format": _format,
    "maxLength": _length,
    "minLength": _length,
    **dict.fromkeys(_BOUNDS, _bound),
    "multipleOf": _multiple,
    "minItems": _items,
    "maxItems": _items,
    "uniqueItems": _simple("{label}中有重复的项，请删除重复项。"),
    "propertyNames": _simple("{label}中有不允许的字段名：{first}。"),
    "minProperties": _simple("{label}至少需要 {want} 个字段。"),
    "oneOf": _simple("{label}不符合任何一种允许的写法，请对照模板检查。"),
    "anyOf": _simple("{label}不符合任何一种允许的写法，请对照模板检查。"),
    "not": _simple("{label}在这里不应填写。{why}", at_key=True),
    "dependentRequired": _simple("{label}缺少相关的必填字段：{msg}。"),
    "dependencies": _simple("{label}缺少相关的必填字段：{msg}。"),
}


# When one value breaks several keywords, the first of these is the one to fix.
PRIORITY = ("type", "enum", "const", "pattern", "format", "minLength", "maxLength")


def rank(err: ValidationError) -> int:
    validator = str(err.validator)
    return PRIORITY.index(validator) if validator in PRIORITY else len(PRIORITY)


# A blank required value breaks one of these; "it is blank" says it best.
_ABOUT_A_VALUE = frozenset({"type", "enum", "pattern", "format", "minLength", "const"})


def _blank(e: _Err) -> Explained:
    hint = e.schema.get("x-format-hint") or e.schema.get("description", "")
    options = e.schema.get("enum")
    if options:
        hint = f"可选值：{'、'.join(str(o) for o in options)}。"
    return e.say(f"{e.label}是必填项，尚未填写。{hint}")


def message(err: ValidationError, resolve: Resolve) -> Explained:
    """Chinese message, the path to point at, and whether to point at the key."""
    e = _Err(err, resolve)
    if (e.value is None or e.value == "") and err.validator in _ABOUT_A_VALUE:
        return _blank(e)
    explain = _MESSAGES.get(str(err.validator))
    if explain is None:
        return e.say(f"{e.label}不符合要求（{err.validator}）。请对照模板检查。")
    return explain(e)
