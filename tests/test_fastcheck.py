"""The fast validator (jsonschema-rs) agrees with the explaining one (jsonschema) on valid or not."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cebase import schemas
from cebase.loader import load_yaml_file

from .conftest import EXAMPLES, FIXTURES, unlocked

# The demo's records as the schemas see them: sealed values opened with the (test) key.
RECORDS = [(rec.kind, rec.data) for rec in unlocked(EXAMPLES).records()]

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


def fixture_records() -> list[tuple[str, str, Any]]:
    """Every YAML record of the demo and of the test fixtures that loads."""
    out = []
    for root in (EXAMPLES, FIXTURES / "records", FIXTURES / "golden", FIXTURES / "checklist"):
        for file in sorted(root.rglob("*.yaml")):
            kind = file.stem
            if kind not in schemas.KINDS:
                continue
            doc = load_yaml_file(file, file.name, kind).document
            if doc is not None:
                schemas.prune_blanks(doc, kind)
                out.append((str(file.relative_to(root.parent)), kind, doc.data))
    return out


FIXTURE_RECORDS = fixture_records()


def test_fixtures_hold_valid_and_invalid_records() -> None:
    verdicts = {schemas.is_valid(data, kind) for _, kind, data in FIXTURE_RECORDS}
    assert verdicts == {True, False}


@pytest.mark.parametrize(
    ("name", "kind", "data"),
    FIXTURE_RECORDS,
    ids=lambda x: x if isinstance(x, str) and "/" in x else "",
)
def test_both_validators_agree_on_the_fixtures(name: str, kind: str, data: Any) -> None:
    assert schemas.is_valid(data, kind) == schemas.validator(kind).is_valid(data), name


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_both_validators_agree_on_mutated_records(case: tuple[str, Any]) -> None:
    kind, data = case
    assert schemas.is_valid(data, kind) == schemas.validator(kind).is_valid(data)
