"""A compiled yes/no check of a JSON Schema, for the common case of a valid record.

jsonschema is the authority: it produces every message and position. But most
records of a registry are valid, and asking jsonschema only to hear "valid"
costs a validator object per node. This module compiles the same schema (with
references inlined) into nested closures that answer ``valid?`` and nothing
else; a record that fails here is validated again by jsonschema for the
findings. A keyword it does not know makes compilation fail, and the caller
then always uses jsonschema. ``tests/test_fastcheck.py`` holds it to
jsonschema's verdicts on generated records.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from jsonschema import Draft202012Validator

Check = Callable[[Any], bool]

# Keywords that only annotate: they never change a verdict.
ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "$schema",
        "$id",
        "$defs",
        "$comment",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)
_FORMATS = Draft202012Validator.FORMAT_CHECKER


class Unsupported(Exception):
    """The schema uses a keyword this compiler does not implement."""


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": _is_number,
    # as jsonschema: 1.0 is an integer
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())
    ),
}


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: true is not 1, 1 is 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    return (type(a) is type(b) and a == b) or (_is_number(a) and _is_number(b) and a == b)


def compile_schema(node: Any) -> Check:
    """A predicate equivalent to ``Draft202012Validator(node).is_valid`` for inlined schemas."""
    if node is True:
        return lambda v: True
    if node is False:
        return lambda v: False
    if not isinstance(node, dict):
        raise Unsupported(repr(node))
    checks: list[Check] = []
    for key, arg in node.items():
        if key in ANNOTATIONS or key.startswith("x-"):
            continue
        maker = _KEYWORDS.get(key)
        if maker is None:
            raise Unsupported(key)
        made = maker(arg, node)
        if made is not None:
            checks.append(made)
    if not checks:
        return lambda v: True
    if len(checks) == 1:
        return checks[0]
    return lambda v: all(c(v) for c in checks)


def _type(arg: Any, node: dict[str, Any]) -> Check:
    names = [arg] if isinstance(arg, str) else list(arg)
    tests = [_TYPES[n] for n in names]
    return lambda v: any(t(v) for t in tests)


def _properties(arg: dict[str, Any], node: dict[str, Any]) -> Check:
    props = {k: compile_schema(s) for k, s in arg.items()}
    return lambda v: not isinstance(v, dict) or all(p(v[k]) for k, p in props.items() if k in v)


def _required(arg: list[str], node: dict[str, Any]) -> Check:
    return lambda v: not isinstance(v, dict) or all(k in v for k in arg)


def _additional(arg: Any, node: dict[str, Any]) -> Check:
    known = set(node.get("properties", {}))
    patterns = [re.compile(p) for p in node.get("patternProperties", {})]
    extra = compile_schema(arg)

    def check(v: Any) -> bool:
        if not isinstance(v, dict):
            return True
        return all(
            extra(item)
            for k, item in v.items()
            if k not in known and not any(p.search(k) for p in patterns)
        )

    return check


def _pattern_properties(arg: dict[str, Any], node: dict[str, Any]) -> Check:
    pairs = [(re.compile(p), compile_schema(s)) for p, s in arg.items()]
    return lambda v: (
        not isinstance(v, dict)
        or all(s(item) for k, item in v.items() for p, s in pairs if p.search(k))
    )


def _property_names(arg: Any, node: dict[str, Any]) -> Check:
    names = compile_schema(arg)
    return lambda v: not isinstance(v, dict) or all(names(k) for k in v)


def _sized(kind: type, op: Callable[[int, int], bool]) -> Callable[[Any, dict[str, Any]], Check]:
    def make(arg: int, node: dict[str, Any]) -> Check:
        return lambda v: not isinstance(v, kind) or op(len(v), arg)

    return make


def _items(arg: Any, node: dict[str, Any]) -> Check:
    item = compile_schema(arg)
    return lambda v: not isinstance(v, list) or all(item(x) for x in v)


def _bound(op: Callable[[Any, Any], bool]) -> Callable[[Any, dict[str, Any]], Check]:
    def make(arg: Any, node: dict[str, Any]) -> Check:
        return lambda v: not _is_number(v) or op(v, arg)

    return make


def _pattern(arg: str, node: dict[str, Any]) -> Check:
    rx = re.compile(arg)
    return lambda v: not isinstance(v, str) or rx.search(v) is not None


def _enum(arg: list[Any], node: dict[str, Any]) -> Check:
    return lambda v: any(_equal(v, e) for e in arg)


def _const(arg: Any, node: dict[str, Any]) -> Check:
    return lambda v: _equal(v, arg)


def _format(arg: str, node: dict[str, Any]) -> Check:
    return lambda v: _FORMATS.conforms(v, arg)


def _delegate(key: str) -> Callable[[Any, dict[str, Any]], Check]:
    """Rare keywords with subtle numeric or equality semantics: ask jsonschema itself."""

    def make(arg: Any, node: dict[str, Any]) -> Check:
        return Draft202012Validator({key: arg}).is_valid

    return make


def _not(arg: Any, node: dict[str, Any]) -> Check:
    inner = compile_schema(arg)
    return lambda v: not inner(v)


def _all_of(arg: list[Any], node: dict[str, Any]) -> Check:
    parts = [compile_schema(s) for s in arg]
    return lambda v: all(p(v) for p in parts)


def _any_of(arg: list[Any], node: dict[str, Any]) -> Check:
    parts = [compile_schema(s) for s in arg]
    return lambda v: any(p(v) for p in parts)


def _one_of(arg: list[Any], node: dict[str, Any]) -> Check:
    parts = [compile_schema(s) for s in arg]
    return lambda v: sum(1 for p in parts if p(v)) == 1


def _if(arg: Any, node: dict[str, Any]) -> Check:
    cond = compile_schema(arg)
    then = compile_schema(node.get("then", True))
    other = compile_schema(node.get("else", True))
    return lambda v: then(v) if cond(v) else other(v)


def _read_by_if(arg: Any, node: dict[str, Any]) -> None:
    """``then``/``else`` are compiled by ``if`` (and ignored without it, as the spec says)."""
    return None


_KEYWORDS: dict[str, Callable[[Any, dict[str, Any]], Check | None]] = {
    "type": _type,
    "properties": _properties,
    "required": _required,
    "additionalProperties": _additional,
    "patternProperties": _pattern_properties,
    "propertyNames": _property_names,
    "minProperties": _sized(dict, lambda n, a: n >= a),
    "maxProperties": _sized(dict, lambda n, a: n <= a),
    "items": _items,
    "minItems": _sized(list, lambda n, a: n >= a),
    "maxItems": _sized(list, lambda n, a: n <= a),
    "uniqueItems": _delegate("uniqueItems"),
    "minLength": _sized(str, lambda n, a: n >= a),
    "maxLength": _sized(str, lambda n, a: n <= a),
    "pattern": _pattern,
    "format": _format,
    "enum": _enum,
    "const": _const,
    "minimum": _bound(lambda v, a: v >= a),
    "maximum": _bound(lambda v, a: v <= a),
    "exclusiveMinimum": _bound(lambda v, a: v > a),
    "exclusiveMaximum": _bound(lambda v, a: v < a),
    "multipleOf": _delegate("multipleOf"),
    "not": _not,
    "allOf": _all_of,
    "anyOf": _any_of,
    "oneOf": _one_of,
    "if": _if,
    "then": _read_by_if,
    "else": _read_by_if,
}
