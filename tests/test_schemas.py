"""The schemas themselves: valid 2020-12, documented in Chinese, closed, bounded."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from cebase import schemas
from cebase.loader import load_yaml_bytes

CJK = re.compile(r"[\u4e00-\u9fff]")


def nodes(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every subschema with a readable location."""
    if not isinstance(node, dict):
        return
    yield where, node
    for key in ("properties", "patternProperties", "$defs"):
        for name, sub in node.get(key, {}).items():
            yield from nodes(sub, f"{where}/{key}/{name}")
    for key in (
        "items",
        "additionalProperties",
        "if",
        "then",
        "else",
        "not",
        "propertyNames",
        "contains",
    ):
        if isinstance(node.get(key), dict):
            yield from nodes(node[key], f"{where}/{key}")
    for key in ("allOf", "anyOf", "oneOf"):
        for i, sub in enumerate(node.get(key, [])):
            yield from nodes(sub, f"{where}/{key}/{i}")


def test_every_kind_has_a_schema() -> None:
    for kind in schemas.KINDS:
        assert (schemas.schema_dir() / schemas.SCHEMA_ID.format(kind)).is_file()


@pytest.mark.parametrize("kind", [*schemas.KINDS, "defs"])
def test_schema_is_valid_2020_12(kind: str) -> None:
    s = schemas.schema(kind)
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(s)


@pytest.mark.parametrize("kind", [*schemas.KINDS, "defs"])
def test_schema_conventions(kind: str) -> None:
    problems = []
    for where, node in nodes(schemas.schema(kind), kind):
        parts = where.split("/")
        if len(parts) >= 3 and parts[-2] in ("properties", "patternProperties", "$defs"):
            for key in ("title", "description"):
                if not CJK.search(str(node.get(key, ""))):
                    problems.append(f"{where}: no Chinese {key}")
        conditional = any(seg in ("if", "then", "else", "not", "allOf") for seg in parts)
        if not conditional and (node.get("type") == "object" or "properties" in node):
            if (
                node.get("additionalProperties", True) is not False
                and "patternProperties" not in node
            ):
                problems.append(f"{where}: additionalProperties is not false")
            if "patternProperties" in node and node.get("additionalProperties", True) is not False:
                problems.append(f"{where}: patternProperties without additionalProperties: false")
        types = node.get("type")
        is_string = types == "string" or (isinstance(types, list) and "string" in types)
        if is_string and not {"maxLength", "enum", "const"} & node.keys():
            problems.append(f"{where}: string without maxLength")
        if types == "array" and "maxItems" not in node:
            problems.append(f"{where}: array without maxItems")
        if "x-public" in node and node["x-public"] is not True:
            problems.append(f"{where}: x-public must be true or absent")
    assert problems == []


@pytest.mark.parametrize("kind", schemas.KINDS)
def test_every_ref_resolves(kind: str) -> None:
    for where, node in nodes(schemas.schema(kind), kind):
        if "$ref" in node:
            assert schemas.resolve(node), where


def test_x_public_never_marks_personal_fields() -> None:
    """The fields that name or reach a person are never public, whatever their container."""
    personal = re.compile(
        r"(legal_representative|person|mobile|maintainers|roster|staff|experts|reviewer"
        r"|signatory|approvals|objections|attachments|finance)$"
    )
    marked = []
    for kind in schemas.KINDS:
        for where, node in nodes(schemas.schema(kind), kind):
            if personal.search(where) and node.get("x-public"):
                marked.append(where)
    assert marked == []


def test_validation_points_at_the_node() -> None:
    raw = "name: 示例\nuscc: 123\nunknown_field: 1\n".encode()
    doc = load_yaml_bytes("submissions/X/institution.yaml", raw).document
    assert doc is not None
    findings = schemas.validate(doc, "institution")
    by_rule = {f.rule: f for f in findings}
    assert by_rule["schema-additionalProperties"].line == 3
    assert "unknown_field" in by_rule["schema-additionalProperties"].message
    assert by_rule["schema-type"].line == 2 and by_rule["schema-type"].field == "uscc"
    missing = [f for f in findings if f.rule == "schema-required"]
    assert missing and all(f.line == 1 for f in missing)  # a missing key points at its parent
    assert all(CJK.search(f.message) for f in findings)


def _doc(kind: str, text: str):
    doc = load_yaml_bytes(f"x/{kind}.yaml", text.encode()).document
    assert doc is not None
    return doc


def test_a_blank_optional_field_is_absent_a_blank_required_one_is_not() -> None:
    doc = _doc("institution", 'name: ""\nzone:\ncontact:\n  website: ""\n  email:\n')
    schemas.prune_blanks(doc, "institution")
    assert doc.data == {"name": "", "contact": {"email": None}}
    assert doc.pos(("zone",), key=True) == (2, 1)  # the key's place is kept for messages


@pytest.mark.parametrize("written", ["2025/11/5", "2025-11-5", "2025年11月5日", "2025.11.05"])
def test_a_date_written_another_way_gives_one_finding_with_the_fix(written: str) -> None:
    doc = _doc("application", f'cycle: "2026"\ndate: {written}\n')
    found = [f for f in schemas.explain_errors(doc, "application") if f.field == "date"]
    assert [f.rule for f in found] == ["schema-pattern"]
    assert "改为 2025-11-05" in found[0].message


def test_one_value_breaking_several_keywords_gives_one_finding() -> None:
    doc = _doc(
        "institution", "name: 示例\nuscc: 123\ndistrict: 一个很长很长很长很长很长很长的区名\n"
    )
    by_field: dict[str, list[str]] = {}
    for f in schemas.explain_errors(doc, "institution"):
        by_field.setdefault(f.field, []).append(f.rule)
    assert all(len(rules) == 1 for field, rules in by_field.items() if field)


@pytest.mark.parametrize(
    ("written", "fixed"),
    [("30万元", "300000"), ("1.5万", "15000"), ("200 元", "200"), ("6人", "6"), ("三十", None)],
)
def test_a_number_with_a_unit_says_how_to_write_it(written: str, fixed: str | None) -> None:
    from cebase.explain import number_fix

    assert number_fix(written) == fixed


def test_date_fix_only_offers_real_dates() -> None:
    from cebase.explain import date_fix

    assert date_fix("2025/2/30") is None
    assert date_fix("2025/2/3") == "2025-02-03"
    assert date_fix("明天") is None


def test_a_blank_required_field_is_asked_for_not_called_malformed() -> None:
    doc = _doc("institution", 'name: ""\ndistrict: ""\nuscc:\n')
    schemas.prune_blanks(doc, "institution")
    found = {f.field: f for f in schemas.explain_errors(doc, "institution")}
    for field in ("name", "district", "uscc"):
        assert "是必填项，尚未填写" in found[field].message
    assert "可选值：天山区" in found["district"].message
