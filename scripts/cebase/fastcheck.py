"""A compiled yes/no check of a JSON Schema, for the common case of a valid record.

jsonschema is the authority: it produces every message and position. But most
records of a registry are valid, and asking jsonschema only to hear "valid"
costs a validator object per node. This module compiles the same schema (with
references inlined) into Python source and ``exec``s it once: one function of
straight-line code (``isinstance`` guards, direct key lookups, plain loops,
early ``return False``), plus a small function for each subschema whose answer
is needed as a value (``not``, ``anyOf``, ``oneOf``, ``if``) or that is nested
too deeply for one function. For ``uniqueItems`` and ``multipleOf``, whose
semantics are subtle, the generated code asks jsonschema itself.

The check answers ``valid?`` and nothing else; a record that fails here is
validated again by jsonschema for the findings, so a needless refusal (NaN
against a bound, which jsonschema lets through) costs time, not correctness. A
keyword it does not know makes compilation fail, and the caller then always
uses jsonschema.

The generated text contains only generated identifiers: every value taken from
the schema (property names, regexes, enum lists, numbers, helper callables)
lives in the namespace given to ``exec`` under a name such as ``_c12``, so no
schema text is ever parsed as code. ``tests/test_fastcheck.py`` holds the
check to jsonschema's verdicts on generated records and made-up schemas.
"""

from __future__ import annotations

import functools
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


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: true is not 1, 1 is 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    return (type(a) is type(b) and a == b) or (_is_number(a) and _is_number(b) and a == b)


def _in_enum(v: Any, options: list[Any]) -> bool:
    return any(_equal(v, e) for e in options)


def _remember(check: Check) -> Check:
    """``check`` with its verdicts cached; typed, so that 1, 1.0 and True stay apart."""
    return functools.lru_cache(maxsize=4096, typed=True)(check)


# The kinds of JSON value a guard can tell apart; "num" is int or float, never bool.
_ALL = frozenset({"dict", "list", "str", "num", "bool", "null"})
# Source of a test that ``{v}`` is of the kind (``{v}`` is always a generated local).
_GUARDS = {
    "dict": "isinstance({v}, dict)",
    "list": "isinstance({v}, list)",
    "str": "isinstance({v}, str)",
    "num": "(isinstance({v}, (int, float)) and not isinstance({v}, bool))",
}
_TYPE_TESTS = {
    "object": ("dict", "isinstance({v}, dict)"),
    "array": ("list", "isinstance({v}, list)"),
    "string": ("str", "isinstance({v}, str)"),
    "boolean": ("bool", "isinstance({v}, bool)"),
    "null": ("null", "({v} is None)"),
    "number": ("num", _GUARDS["num"]),
    # as jsonschema: 1.0 is an integer
    "integer": (
        "num",
        "((isinstance({v}, int) and not isinstance({v}, bool))"
        " or (isinstance({v}, float) and {v}.is_integer()))",
    ),
}
# Type names that admit every value of a kind (``integer`` does not: 1.5 is a number).
_COVERS = {
    "object": "dict",
    "array": "list",
    "string": "str",
    "boolean": "bool",
    "null": "null",
    "number": "num",
}

# Which kind of value a keyword looks at; the others pass it untouched.
_KIND_OF = {
    "properties": "dict",
    "required": "dict",
    "additionalProperties": "dict",
    "patternProperties": "dict",
    "propertyNames": "dict",
    "minProperties": "dict",
    "maxProperties": "dict",
    "items": "list",
    "minItems": "list",
    "maxItems": "list",
    "uniqueItems": "list",
    "minLength": "str",
    "maxLength": "str",
    "pattern": "str",
    "minimum": "num",
    "maximum": "num",
    "exclusiveMinimum": "num",
    "exclusiveMaximum": "num",
}
_ANY_KIND = frozenset(
    {"format", "enum", "const", "multipleOf", "not", "allOf", "anyOf", "oneOf", "if"}
)
# Failure test of the size and bound keywords; written as ``not (x >= a)`` rather
# than ``x < a`` so that NaN fails, and a record holding one goes to jsonschema.
_SIZED = {
    "minProperties": "not len({v}) >= {a}",
    "maxProperties": "not len({v}) <= {a}",
    "minItems": "not len({v}) >= {a}",
    "maxItems": "not len({v}) <= {a}",
    "minLength": "not len({v}) >= {a}",
    "maxLength": "not len({v}) <= {a}",
    "minimum": "not {v} >= {a}",
    "maximum": "not {v} <= {a}",
    "exclusiveMinimum": "not {v} > {a}",
    "exclusiveMaximum": "not {v} < {a}",
}
# Keywords served by one loop over an object's keys.
_KEY_LOOP = frozenset({"additionalProperties", "patternProperties", "propertyNames"})
# Inline code deeper than this goes into its own function: Python refuses more
# than 20 nested loops and 100 indentation levels in one function.
_MAX_DEPTH = 12
_INDENT = "    "


def compile_schema(node: Any) -> Check:
    """A predicate equivalent to ``Draft202012Validator(node).is_valid`` for inlined schemas."""
    source, namespace, entry = generate(node)
    # the text holds generated names only; schema values live in the namespace
    exec(compile(source, "<fastcheck>", "exec"), namespace)
    return namespace[entry]


def generate(node: Any) -> tuple[str, dict[str, Any], str]:
    """The source, its namespace of constants, and the name of the entry function."""
    gen = _Generator()
    entry, _ = gen.function(node, _ALL)
    return "\n\n".join(gen.functions) + "\n", gen.names, entry


class _Generator:
    """Collects the functions' source and the namespace their names refer to."""

    def __init__(self) -> None:
        self.names: dict[str, Any] = {"_equal": _equal, "_in_enum": _in_enum}
        self.names["_conforms"] = _FORMATS.conforms
        self.functions: list[str] = []
        self._shared: dict[tuple[str, Any], str] = {}
        self._count = 0

    def fresh(self, prefix: str) -> str:
        self._count += 1
        return f"{prefix}{self._count}"

    def const(self, value: Any) -> str:
        """A generated name bound to ``value`` in the namespace."""
        name = self.fresh("_c")
        self.names[name] = value
        return name

    def text(self, value: str) -> str:
        """A name for a string; one per distinct string."""
        key = ("s", value)
        if key not in self._shared:
            self._shared[key] = self.const(value)
        return self._shared[key]

    def regex(self, pattern: str) -> str:
        key = ("re", pattern)
        if key not in self._shared:
            self._shared[key] = self.const(re.compile(pattern))
        return self._shared[key]

    def function(self, node: Any, possible: frozenset[str]) -> tuple[str, bool]:
        """Name of a new function checking ``node``, and whether it always answers True.

        ``possible`` is what the caller already knows of the value's kind.
        """
        name, var = self.fresh("_f"), self.fresh("v")
        body = self.node(node, var, possible, 1)
        self.functions.append("\n".join([f"def {name}({var}):", *body, f"{_INDENT}return True"]))
        return name, not body

    def node(self, node: Any, var: str, possible: frozenset[str], depth: int) -> list[str]:
        """Lines, indented ``depth`` levels, that ``return False`` when ``var`` fails ``node``."""
        pad = _INDENT * depth
        if node is True:
            return []
        if node is False:
            return [f"{pad}return False"]
        if not isinstance(node, dict):
            raise Unsupported(repr(node))
        if depth > _MAX_DEPTH:
            name, trivial = self.function(node, possible)
            return [] if trivial else [f"{pad}if not {name}({var}):", f"{pad}{_INDENT}return False"]
        keys = []
        for key in node:
            if key in ANNOTATIONS or key.startswith("x-") or key in ("then", "else"):
                continue  # then/else are read by "if", and ignored without it
            if key != "type" and key not in _KIND_OF and key not in _ANY_KIND:
                raise Unsupported(key)
            if key in _KEY_LOOP and any(k in _KEY_LOOP for k in keys):
                continue  # one loop over the keys serves all three keywords
            keys.append(key)
        if "required" in keys and "properties" in keys:
            # checked first, the required names need no "in" test in properties
            keys.remove("required")
            keys.insert(keys.index("properties"), "required")
        lines: list[str] = []
        if "type" in node:
            lines += self.type(node["type"], var, possible, pad)
            possible = possible & {_TYPE_TESTS[n][0] for n in _type_names(node["type"])}
        open_kind = None  # kind whose isinstance guard the previous keyword opened
        for key in keys:
            if key == "type":
                continue
            arg = node[key]
            kind = _KIND_OF.get(key)
            if key == "multipleOf":
                # jsonschema's own number test is wider than ours: let it decide
                kind = None if "num" in possible else "num"
            if kind is not None and kind not in possible:
                # the value cannot be of this kind: the keyword holds, but compile it
                # anyway so that unknown keywords and bad patterns inside still refuse
                self.keyword(key, arg, node, var, possible, depth)
                continue
            if kind is None or possible == {kind}:
                open_kind = None
                lines += self.keyword(key, arg, node, var, possible, depth)
                continue
            body = self.keyword(key, arg, node, var, frozenset({kind}), depth + 1)
            if not body:
                continue
            if open_kind != kind:
                lines.append(f"{pad}if {_GUARDS[kind].format(v=var)}:")
                open_kind = kind
            lines += body
        return lines

    def type(self, arg: Any, var: str, possible: frozenset[str], pad: str) -> list[str]:
        names = _type_names(arg)
        for n in names:
            if n not in _TYPE_TESTS:
                raise Unsupported(f"type {n!r}")
        if possible <= {_COVERS[n] for n in names if n in _COVERS}:
            return []  # an enclosing check already proved it
        test = " or ".join(_TYPE_TESTS[n][1].format(v=var) for n in names) or "False"
        if len(names) > 1:
            test = f"({test})"
        return [f"{pad}if not {test}:", f"{pad}{_INDENT}return False"]

    def keyword(
        self,
        key: str,
        arg: Any,
        node: dict[str, Any],
        var: str,
        possible: frozenset[str],
        depth: int,
    ) -> list[str]:
        pad = _INDENT * depth
        fail = f"{pad}{_INDENT}return False"
        if key in _SIZED:
            return [f"{pad}if {_SIZED[key].format(v=var, a=self.const(arg))}:", fail]
        if key == "properties":
            present = node.get("required", ()) if "required" in node else ()
            return self.properties(arg, {n for n in present if type(n) is str}, var, depth)
        if key == "required":
            if not arg:
                return []
            if len(arg) == 1:
                return [f"{pad}if {self.text(arg[0])} not in {var}:", fail]
            if all(type(name) is str for name in arg):
                # one C-level superset test instead of a lookup per name
                return [f"{pad}if not {var}.keys() >= {self.const(frozenset(arg))}:", fail]
            out = []
            for name in arg:
                out += [f"{pad}if {self.text(name)} not in {var}:", fail]
            return out
        if key in _KEY_LOOP:
            return self.key_loop(node, var, depth)
        if key == "items":
            item = self.fresh("v")
            body = self.node(arg, item, _ALL, depth + 1)
            return [f"{pad}for {item} in {var}:", *body] if body else []
        if key == "pattern":
            return [f"{pad}if {self.regex(arg)}.search({var}) is None:", fail]
        if key == "format":
            return [f"{pad}if not _conforms({var}, {self.const(arg)}):", fail]
        if key == "uniqueItems":
            # subtle equality semantics: ask jsonschema itself, unless there is no pair
            check = self.const(Draft202012Validator({key: arg}).is_valid)
            return [f"{pad}if len({var}) > 1 and not {check}({var}):", fail]
        if key == "multipleOf":
            # subtle float semantics: ask jsonschema itself, and remember its verdict
            # per exact type and value, since scores and amounts repeat across records
            check = Draft202012Validator({key: arg}).is_valid
            ask, remembered = self.const(check), self.const(_remember(check))
            plain = f"type({var}) is int or type({var}) is float"
            return [f"{pad}if not ({remembered} if {plain} else {ask})({var}):", fail]
        if key == "enum":
            return [f"{pad}if not ({self.enum(arg, var)}):", fail]
        if key == "const":
            return [f"{pad}if not ({self.equal(arg, var)}):", fail]
        if key == "allOf":
            out = []
            for sub in arg:
                out += self.node(sub, var, possible, depth)
            return out
        if key == "not":
            name, trivial = self.function(arg, possible)
            return [f"{pad}return False"] if trivial else [f"{pad}if {name}({var}):", fail]
        if key == "anyOf":
            parts = [self.function(sub, possible) for sub in arg]
            if any(trivial for _, trivial in parts):
                return []
            test = " or ".join(f"{name}({var})" for name, _ in parts) or "False"
            return [f"{pad}if not ({test}):", fail]
        if key == "oneOf":
            parts = [self.function(sub, possible) for sub in arg]
            count = " + ".join(f"{name}({var})" for name, _ in parts) or "0"
            return [f"{pad}if ({count}) != 1:", fail]
        if key == "if":
            return self.conditional(arg, node, var, possible, depth)
        raise AssertionError(key)  # pragma: no cover - node() lets known keywords through

    def properties(self, arg: dict[str, Any], present: set[str], var: str, depth: int) -> list[str]:
        pad, inner = _INDENT * depth, _INDENT * (depth + 1)
        out = []
        for name, sub in arg.items():
            value = self.fresh("v")
            if name in present:
                body = self.node(sub, value, _ALL, depth)
                if body:
                    out += [f"{pad}{value} = {var}[{self.text(name)}]", *body]
                continue
            body = self.node(sub, value, _ALL, depth + 1)
            if body == [f"{inner}return False"]:
                out += [f"{pad}if {self.text(name)} in {var}:", *body]
            elif body:
                key = self.text(name)
                out += [f"{pad}if {key} in {var}:", f"{inner}{value} = {var}[{key}]", *body]
        return out

    def key_loop(self, node: dict[str, Any], var: str, depth: int) -> list[str]:
        """additionalProperties, patternProperties and propertyNames in one pass over the keys.

        Each key is searched once per pattern, for both pattern and additional
        properties.
        """
        pad, in1, in2 = _INDENT * depth, _INDENT * (depth + 1), _INDENT * (depth + 2)
        k, value, matched = self.fresh("k"), self.fresh("v"), self.fresh("m")
        names = (
            self.node(node["propertyNames"], k, _ALL, depth + 1) if "propertyNames" in node else []
        )
        pairs = [
            (self.regex(p), self.node(sub, value, _ALL, depth + 2))
            for p, sub in node.get("patternProperties", {}).items()
        ]
        # A key is additional when no property names it and no pattern matches it.
        # When the patterns are searched anyway, a flag remembers whether one matched.
        flag = any(body for _, body in pairs)
        known = frozenset(node.get("properties", {}))
        tests = [f"not {matched}"] if flag else []
        if known:
            tests.append(f"{k} not in {self.const(known)}")
        if not flag:
            tests += [f"{rx}.search({k}) is None" for rx, _ in pairs]
        extra = node.get("additionalProperties", True)
        extra_body = self.node(extra, value, _ALL, depth + 2 if tests else depth + 1)
        closed = []
        if extra is False and not pairs:
            # the usual closed object: one C-level subset test, no Python loop
            closed = [f"{pad}if not {var}.keys() <= {self.const(known)}:", f"{in1}return False"]
            extra_body = []
        flag = flag and bool(extra_body)
        lines = [*names, f"{in1}{matched} = False"] if flag else names
        for rx, body in pairs:
            if flag:
                lines += [f"{in1}if {rx}.search({k}) is not None:", f"{in2}{matched} = True", *body]
            elif body:
                lines += [f"{in1}if {rx}.search({k}) is not None:", *body]
        if extra_body:
            lines += [f"{in1}if {' and '.join(tests)}:", *extra_body] if tests else extra_body
        if not lines:
            return closed
        if extra_body or any(body for _, body in pairs):
            return [*closed, f"{pad}for {k}, {value} in {var}.items():", *lines]
        return [*closed, f"{pad}for {k} in {var}:", *lines]

    def conditional(
        self, arg: Any, node: dict[str, Any], var: str, possible: frozenset[str], depth: int
    ) -> list[str]:
        pad = _INDENT * depth
        cond, _ = self.function(arg, possible)
        then = self.node(node.get("then", True), var, possible, depth + 1)
        other = self.node(node.get("else", True), var, possible, depth + 1)
        if not then and not other:
            return []
        if not other:
            return [f"{pad}if {cond}({var}):", *then]
        if not then:
            return [f"{pad}if not {cond}({var}):", *other]
        return [f"{pad}if {cond}({var}):", *then, f"{pad}else:", *other]

    def enum(self, options: list[Any], var: str) -> str:
        """An expression: ``var`` equals one of ``options``."""
        # plain strings (the usual enum) by one set lookup; _equal for the rest
        texts = frozenset(e for e in options if type(e) is str)
        others = [e for e in options if type(e) is not str]
        tests = []
        if texts:
            tests.append(f"(type({var}) is str and {var} in {self.const(texts)})")
        if others:
            tests.append(f"_in_enum({var}, {self.const(others)})")
        return " or ".join(tests) or "False"

    def equal(self, value: Any, var: str) -> str:
        """An expression: ``var`` is JSON-equal to ``value``."""
        if type(value) is str:
            return f"type({var}) is str and {var} == {self.text(value)}"
        if value is None or type(value) is bool:
            return f"{var} is {self.const(value)}"
        return f"_equal({var}, {self.const(value)})"


def _type_names(arg: Any) -> list[Any]:
    return [arg] if isinstance(arg, str) else list(arg)
