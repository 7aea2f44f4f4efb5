"""The compiled fast path agrees with jsonschema on every record we can make up."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cebase import schemas
from cebase.fastcheck import Unsupported, compile_schema
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
    ],
)
def test_edge_cases_match_jsonschema(schema: dict, value: Any) -> None:
    from jsonschema import Draft202012Validator

    expected = Draft202012Validator(
        schema, format_checker=Draft202012Validator.FORMAT_CHECKER
    ).is_valid(value)
    assert compile_schema(schema)(value) == expected
