"""The compiled fast path agrees with jsonschema on every record we can make up."""

from __future__ import annotations

import ast
import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from cebase import schemas
from cebase.fastcheck import Unsupported, compile_schema, generate
from cebase.registry import scan

from .conftest import EXAMPLES

RECORDS = [(rec.kind, rec.data) for rec in scan(EXAMPLES).records()]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 200)
    | st.floats(-5, 200, allow_nan=False)
    | st.sampled_from(
        [
            "",
            "x",
            "2026",
            "2025-11-07",
            "2025-02-30",
            "https://a.example.cn/",
            "优秀",
            "GC-JZ-01",
            "A1",
            "AP-01",
            "a@b",
            "中级",
        ]
    ),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["code", "levels", "x", "name"]), children, max_size=3)
    ),
    max_leaves=6,
)


def paths(value: Any, here: tuple = ()) -> list[tuple]:
    out = [here]
    if isinstance(value, dict):
        for k, v in value.items():
            out += paths(v, (*here, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += paths(v, (*here, i))
    return out


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, Any]:
    kind, data = draw(st.sampled_from(RECORDS))
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(0, 3))):
        target = draw(st.sampled_from(paths(data)))
        if not target:
            continue
        parent = data
        for part in target[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[target[-1]] = draw(json_values)
        elif action == "delete":
            del parent[target[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "code", "levels", "date"]))] = draw(json_values)
        else:
            parent.append(draw(json_values))
    return kind, data


@pytest.mark.parametrize("kind", schemas.KINDS)
def test_every_schema_compiles(kind: str) -> None:
    compile_schema(schemas._inline(schemas.schema(kind)))


def test_unknown_keywords_refuse_to_compile() -> None:
    with pytest.raises(Unsupported):
        compile_schema({"type": "object", "dependentSchemas": {}})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_fast_path_agrees_with_jsonschema(case: tuple[str, Any]) -> None:
    kind, data = case
    fast = schemas._fast(kind)
    assert fast is not None
    assert fast(data) == schemas.validator(kind).is_valid(data)


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        ({"type": "integer"}, 1.0),
        ({"type": "integer"}, True),
        ({"enum": [1]}, True),
        ({"const": 0}, False),
        ({"enum": [1.0]}, 1),
        ({"uniqueItems": True}, [1, True]),
        ({"multipleOf": 0.5}, 7.5),
        ({"multipleOf": 0.01}, 0.07),
        ({"format": "date"}, "2025-02-29"),
        ({"pattern": "^a"}, 5),
        ({"if": {"required": ["a"]}, "then": {"required": ["b"]}}, {"a": 1}),
        ({"then": {"required": ["b"]}}, {"a": 1}),
        ({"then": {"dependentSchemas": {}}}, {}),  # ignored without "if", unknown or not
        ({"multipleOf": 0.5}, True),
        ({"multipleOf": 0.5}, 1),
        ({"multipleOf": 0.5}, 1.0),
        ({"multipleOf": 2}, 4.0),
        ({"uniqueItems": True}, [[1], [True]]),
        ({"uniqueItems": True}, [{"a": 1}, {"a": 1.0}]),
        ({"uniqueItems": True}, ["a"]),
        ({"maxLength": 1}, "优秀"),
        ({"type": "string", "minimum": 5}, "x"),  # a keyword for another kind holds
        ({"type": ["string", "null"], "maxLength": 1}, None),
        ({"type": ["string", "integer"], "maxLength": 1, "maximum": 3}, 4),
        ({"type": []}, None),
        ({"enum": ["a", None, 1]}, 1.0),
        ({"enum": ["a", None, 1]}, None),
        ({"enum": ["a", None, 1]}, False),
        ({"enum": []}, "a"),
        ({"const": "a"}, "a"),
        ({"const": None}, False),
        ({"const": {"a": [1]}}, {"a": [1.0]}),
        ({"const": {"a": [1]}}, {"a": [True]}),
        ({"anyOf": []}, 1),
        ({"oneOf": [True, True]}, 1),
        ({"oneOf": [{"type": "string"}, {"minLength": 2}]}, "ab"),
        ({"not": {}}, 1),
        ({"not": {"not": {}}}, 1),
        ({"allOf": [{"type": "object"}, {"type": "object", "required": ["a"]}]}, {"b": 1}),
        ({"type": "number", "allOf": [{"type": "integer"}]}, 1.5),
        ({"required": ["a"], "properties": {"a": {"type": "string"}}}, {"a": 1}),
        ({"properties": {"a": {"type": "string"}}, "required": ["a"]}, {"b": "x"}),
        ({"properties": {"a": False}}, {"a": None}),
        ({"additionalProperties": False}, {}),
        ({"additionalProperties": False}, {"a": 1}),
        ({"properties": {"a": True}, "additionalProperties": False}, {"a": 1}),
        (
            {"patternProperties": {"^a": {"type": "integer"}}, "additionalProperties": False},
            {"ab": 1, "b": 1},
        ),
        (
            {"patternProperties": {"^a": {"type": "integer"}}, "additionalProperties": False},
            {"ab": "x"},
        ),
        (
            {
                "properties": {"b": {"type": "string"}},
                "patternProperties": {"^a": True, "b$": {"minimum": 2}},
                "additionalProperties": {"type": "string"},
            },
            {"ab": 5, "bb": 1},
        ),
        (
            {"patternProperties": {"^a": {"minimum": 2}}, "additionalProperties": {"type": "null"}},
            {"b": None, "ab": 3},
        ),
        ({"propertyNames": {"maxLength": 2}, "additionalProperties": False}, {"abc": 1}),
        ({"propertyNames": {"pattern": "^a"}, "patternProperties": {"^a": False}}, {"a": 1}),
        ({"if": True, "then": False}, 1),
        ({"if": {"type": "string"}, "else": {"minimum": 3}}, 2),
        ({"items": {"items": {"items": {"type": "integer"}}}}, [[[1, 2.0], []], [[True]]]),
    ],
)
def test_edge_cases_match_jsonschema(schema: dict, value: Any) -> None:
    expected = Draft202012Validator(
        schema, format_checker=Draft202012Validator.FORMAT_CHECKER
    ).is_valid(value)
    assert compile_schema(schema)(value) == expected


def test_nan_is_left_to_jsonschema() -> None:
    """jsonschema lets NaN through every bound; the fast path refuses it, so jsonschema decides."""
    for keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        assert not compile_schema({keyword: 0})(float("nan"))


# Names and patterns that would break the generated source if they were pasted into it.
AWKWARD = ["a", "b", "it's", 'say "hi"', "'''", '"""', "line\nbreak", "x\\", "{v}", "_c1", "# no"]


def test_schema_text_never_becomes_code() -> None:
    schema = {
        "type": "object",
        "properties": {name: {"const": name} for name in AWKWARD},
        "patternProperties": {"'''|\"": {"enum": AWKWARD}},
        "propertyNames": {"not": {"const": "');import os;('"}},
        "additionalProperties": False,
        "required": AWKWARD[:4],
        "maxProperties": 20,
    }
    source, _, _ = generate(schema)
    literals = [n.value for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Constant)]
    # only the templates' own constants: no text and no number from the schema
    assert all(value in (None, True, False, 0, 1) for value in literals), literals
    assert all(type(value) is not str for value in literals), literals
    check = compile_schema(schema)
    valid = {name: name for name in AWKWARD}
    assert check(valid)
    assert not check({**valid, "it's": "a"})
    assert not check({**valid, "');import os;('": 1})
    assert not check({**valid, "c": 1})
    assert check({"a": "a", "b": "b", "it's": "it's", 'say "hi"': 'say "hi"', "q'''": "{v}"})


def test_deep_schemas_compile() -> None:
    """Nesting beyond Python's limits on blocks and indentation moves into functions."""
    schema: Any = {"type": "integer"}
    good: Any = 1
    bad: Any = "1"
    for depth in range(60):
        if depth % 2:
            schema = {"type": "array", "items": schema, "minItems": 1}
            good, bad = [good], [bad]
        else:
            schema = {"type": "object", "properties": {"k": schema}, "required": ["k"]}
            good, bad = {"k": good}, {"k": bad}
    check = compile_schema(schema)
    assert check(good)
    assert not check(bad)
    assert not Draft202012Validator(schema).is_valid(bad)


def test_unknown_keywords_refuse_anywhere() -> None:
    hidden = {"dependentSchemas": {}}
    # even where the value's type makes the keyword moot
    for schema in (
        {"type": "string", "items": hidden},
        {"type": "integer", "properties": {"a": hidden}},
        {"if": True, "then": hidden},
        {"anyOf": [True, hidden]},
        {"patternProperties": {"^a": True}, "propertyNames": hidden},
        {"type": "decimal"},
    ):
        with pytest.raises(Unsupported):
            compile_schema(schema)


# Differential test of the generator itself: made-up schemas over made-up values.
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-3, 12)
    | st.sampled_from([0.5, 1.0, 2.5, 7.0, -1.5, 0.07])
    | st.sampled_from([*AWKWARD, "", "ab", "2025-11-07", "2025-02-30", "a@b", "优秀"])
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(AWKWARD), children, max_size=3)
    ),
    max_leaves=8,
)
sizes = st.integers(0, 3)
bounds = st.sampled_from([-1, 0, 1, 2.5, 7])
names = st.lists(st.sampled_from(AWKWARD), max_size=3, unique=True)
simple = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(
            ["object", "array", "string", "boolean", "null", "number", "integer"]
        )
        | st.lists(st.sampled_from(["object", "string", "integer", "number", "null"]), max_size=2),
        "minimum": bounds,
        "maximum": bounds,
        "exclusiveMinimum": bounds,
        "exclusiveMaximum": bounds,
        "multipleOf": st.sampled_from([0.5, 2, 0.01]),
        "minLength": sizes,
        "maxLength": sizes,
        "pattern": st.sampled_from(["^a", "b$", "'''", "\\d"]),
        "format": st.sampled_from(["date", "email"]),
        "enum": st.lists(values, min_size=1, max_size=3),
        "const": values,
        "minItems": sizes,
        "maxItems": sizes,
        "uniqueItems": st.booleans(),
        "minProperties": sizes,
        "maxProperties": sizes,
        "required": names,
        "title": st.just("ignored"),
        "x-public": st.booleans(),
    },
)


def nested(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    some = st.lists(children, min_size=1, max_size=3)
    return st.fixed_dictionaries(
        {},
        optional={
            "type": st.sampled_from(["object", "array"]),
            "properties": st.dictionaries(st.sampled_from(AWKWARD), children, max_size=3),
            "patternProperties": st.dictionaries(
                st.sampled_from(["^a", "b$", "'''", "^_"]), children, max_size=2
            ),
            "additionalProperties": children,
            "propertyNames": children,
            "required": names,
            "items": children,
            "not": children,
            "allOf": some,
            "anyOf": some,
            "oneOf": some,
            "if": children,
            "then": children,
            "else": children,
        },
    )


json_schemas = st.recursive(st.booleans() | simple, nested, max_leaves=8)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_schemas, st.lists(values, min_size=1, max_size=4))
def test_made_up_schemas_agree_with_jsonschema(schema: Any, cases: list[Any]) -> None:
    check = compile_schema(schema)
    authority = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    for value in cases:
        assert check(value) == authority.is_valid(value), (schema, value)
