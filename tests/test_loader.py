"""The strict loader: what it accepts, what it refuses, and where it points."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cebase.loader import MAX_BYTES, load_yaml_bytes, load_yaml_text

CASES = Path(__file__).parent / "fixtures" / "loader"
# What a file that loads may still be refused for: one value's characters.
VALUE_RULES = {"forbidden-char", "curly-quote", "fullwidth-digit"}


def load(src: str | bytes):
    raw = src.encode("utf-8") if isinstance(src, str) else src
    return load_yaml_bytes("t.yaml", raw)


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("a: no", {"a": "no"}),
        ("a: yes", {"a": "yes"}),
        ("a: on", {"a": "on"}),
        ("a: 0991", {"a": "0991"}),
        ("a: 0991-4656129", {"a": "0991-4656129"}),
        ("a: 2025-11-07", {"a": "2025-11-07"}),
        ("a: 12:30", {"a": "12:30"}),
        ("a: 1_000", {"a": "1_000"}),
        ("a: 0x1F", {"a": "0x1F"}),
        ("a: .inf", {"a": ".inf"}),
        ("a: 007", {"a": "007"}),
        ("a: 42", {"a": 42}),
        ("a: -3", {"a": -3}),
        ("a: 0", {"a": 0}),
        ("a: 1.50", {"a": 1.5}),
        ("a: 1e3", {"a": 1000.0}),
        ("a: true", {"a": True}),
        ("a: False", {"a": False}),
        ("a: null", {"a": None}),
        ("a: ~", {"a": None}),
        ("a:", {"a": None}),
        ("a: 'true'", {"a": "true"}),
        ('a: "42"', {"a": "42"}),
        ("1: x", {"1": "x"}),
        ("a: [1, b]\nc: {d: e}", {"a": [1, "b"], "c": {"d": "e"}}),
        ("a: |\n  多行\n  文本\n", {"a": "多行\n文本\n"}),
        ("a: 1\r\nb: 2\r\n", {"a": 1, "b": 2}),
        ("---\na: 1\n...\n", {"a": 1}),
    ],
)
def test_scalars_are_yaml_1_2_core_and_stricter(src: str, expected: dict) -> None:
    result = load(src)
    assert result.findings == []
    assert result.document is not None
    assert result.document.data == expected


@pytest.mark.parametrize(
    ("src", "rule", "line", "col"),
    [
        (b"\xef\xbb\xbfa: 1\n", "encoding", 1, 1),
        (b"a: 1\nb: \xb2\xe2\n", "encoding", 2, 4),  # GBK bytes
        ("a: 1\nb:\n\t- x\n", "yaml-tab", 3, 1),
        ("a: 1\n  \tb: 2\n", "yaml-tab", 2, 3),
        ("a: x\x07y\n", "forbidden-char", 1, 5),
        ("a: \u202eabc\n", "forbidden-char", 1, 4),
        ("a: abc\u2066\n", "forbidden-char", 1, 7),
        ("a: b\rc: d\n", "forbidden-char", 1, 5),
        ("a: &x 1\nb: 2\n", "yaml-anchor", 1, 4),
        ("a: [1]\nb: *x\n", "yaml-alias", 2, 4),
        ("a: !!int 1\n", "yaml-tag", 1, 4),
        ("a: !custom x\n", "yaml-tag", 1, 4),
        ("%YAML 1.1\n---\na: 1\n", "yaml-directive", 1, 1),
        ("a: 1\n---\nb: 2\n", "yaml-multi-doc", 2, 1),
        ("a: 1\nb: 2\na: 3\n", "yaml-duplicate-key", 3, 1),
        ("a:\n  x: 1\n  x: 2\n", "yaml-duplicate-key", 3, 3),
        ("<<: {a: 1}\n", "yaml-merge-key", 1, 1),
        ("? [a, b]\n: 1\n", "yaml-complex-key", 1, 3),
        ("- a\n- b\n", "yaml-top-level", 1, 1),
        ("just text\n", "yaml-top-level", 1, 1),
        ("", "yaml-top-level", 1, 1),
        ("# only a comment\n", "yaml-top-level", 1, 1),
        ("a: b: c\n", "yaml-syntax", 1, 5),
        ("a: 'open\n", "yaml-syntax", 2, 1),
        ("a:\n  - x\n - y\n", "yaml-syntax", 3, 2),
    ],
)
def test_refusals_point_at_the_problem(src: str | bytes, rule: str, line: int, col: int) -> None:
    result = load(src)
    assert result.document is None
    assert [(f.rule, f.line, f.col) for f in result.findings][:1] == [(rule, line, col)]
    assert all(f.message and not f.message.isascii() for f in result.findings)  # Chinese text


def test_size_cap() -> None:
    result = load(b"a: '" + b"x" * MAX_BYTES + b"'\n")
    assert [f.rule for f in result.findings] == ["file-size"]


def test_deep_nesting_is_refused_not_recursed() -> None:
    result = load("a: " + "[" * 200 + "]" * 200)
    assert result.document is None
    assert result.findings[0].rule == "yaml-too-deep"


def test_positions_of_values_and_keys() -> None:
    src = (CASES / "positions.yaml").read_bytes()
    doc = load_yaml_bytes("positions.yaml", src).document
    assert doc is not None
    assert doc.pos(("contact",)) == (3, 3)  # a mapping value starts at its first key
    assert doc.pos(("contact", "email")) == (4, 10)
    assert doc.pos(("contact", "email"), key=True) == (4, 3)
    assert doc.pos(("specialties", 1, "levels", 0)) == (9, 14)
    # a path the file lacks points at the nearest ancestor that exists
    assert doc.pos(("contact", "website")) == (3, 3)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_findings_never_exceptions(raw: bytes) -> None:
    result = load_yaml_bytes("fuzz.yaml", raw)
    assert result.document is not None or result.findings
    if result.document is not None:
        assert isinstance(result.document.data, dict)
        assert {f.rule for f in result.findings} <= VALUE_RULES


_yamlish = st.text(
    alphabet=st.sampled_from(
        [*"ab:-[]{}&*!|>'\"#%?,\n \t0123456789.~@`\\", "中", "文", "\u202e", "\ufeff"]
    ),
    max_size=200,
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=300), _yamlish))
def test_arbitrary_text_gives_findings_never_exceptions(text: str) -> None:
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates cannot be written to a file either
        raw = text.encode("utf-8", "replace")
    result = load_yaml_bytes("fuzz.yaml", raw)
    assert result.document is not None or result.findings
    if result.document is not None:
        assert {f.rule for f in result.findings} <= VALUE_RULES
    for f in result.findings:
        assert f.line >= 0 and f.col >= 0 and f.rule


def test_the_bureaus_cycle_file_may_be_large_a_form_may_not() -> None:
    # a cycle.yaml listing thousands of incumbent bases is honest; a form that size is not
    items = "".join(f"  - uscc: '{i:018d}'\n    certified_on: 2022-12-20\n" for i in range(30_000))
    raw = ("incumbents:\n" + items).encode()
    assert len(raw) > MAX_BYTES
    assert load_yaml_bytes("cycles/2026/cycle.yaml", raw, "cycle").document is not None
    assert [
        f.rule
        for f in load_yaml_bytes("submissions/x/2026/application.yaml", raw, "application").findings
    ] == ["file-size"]


def test_blank_values_are_noted_with_their_key_positions() -> None:
    doc = load("a:\nb: ''\nc: x\nd:\n  e: \"\"\n").document
    assert doc is not None
    assert doc.blanks == [("a",), ("b",), ("d", "e")]
    assert doc.pos(("d", "e"), key=True) == (5, 3)


@pytest.mark.parametrize(
    ("src", "code", "name", "field"),
    [
        ('a: "x\\u202Ey"\n', "U+202E", "从右到左覆盖", "a"),
        ('a: "x\\0"\n', "U+0000", "空字符", "a"),
        ('a: "x\\x85"\n', "U+0085", "下一行符", "a"),
        ('a: "x\\u200By"\n', "U+200B", "零宽空格", "a"),
        ('a:\n  b: ["ok", "\\u2066"]\n', "U+2066", "从左到右隔离", "a.b[1]"),
        ('"k\\u200Dey": 1\n', "U+200D", "零宽连字", "k\u200dey"),
        ('a: "x\\ry"\n', "U+000D", "回车符", "a"),
    ],
)
def test_invisible_characters_written_as_escapes_are_refused(
    src: str, code: str, name: str, field: str
) -> None:
    result = load(src)
    [finding] = result.findings
    assert finding.rule == "forbidden-char" and finding.field == field
    assert code in finding.message and name in finding.message


@pytest.mark.parametrize(
    ("src", "name", "line", "col"),
    [
        ("a: 1\nb: x\u200by\n", "零宽空格", 2, 5),
        ("a: x\u2060y\n", "词连接符", 1, 5),
        ("a: \u200fx\n", "从右到左标记", 1, 4),
        ("a: x\u00ady\n", "软连字符", 1, 5),
    ],
)
def test_invisible_characters_written_literally_are_named_where_they_stand(
    src: str, name: str, line: int, col: int
) -> None:
    [finding] = load(src).findings
    assert (finding.rule, finding.line, finding.col) == ("forbidden-char", line, col)
    assert name in finding.message


def test_tabs_and_line_breaks_of_text_are_kept() -> None:
    result = load('a: |\n  x\ty\n  z\nb: "p\\tq\\nr"\n')
    assert result.findings == []
    assert result.document is not None
    assert result.document.data == {"a": "x\ty\nz\n", "b": "p\tq\nr"}


@pytest.mark.parametrize(
    ("src", "rule", "line", "col", "shown"),
    [
        ("a: 1\nclassrooms：6\nc: 3\n", "fullwidth-colon", 2, 11, "classrooms: …"),
        ('a: 1\nperson:"李娜"\nc: 3\n', "colon-space", 2, 7, "person: …"),
        ("a:\n  name：x\n  b: 1\n", "fullwidth-colon", 2, 7, "name: …"),
    ],
)
def test_look_alike_colons_are_named_where_they_stand(
    src: str, rule: str, line: int, col: int, shown: str
) -> None:
    result = load(src)
    assert result.document is None
    [finding] = result.findings
    assert (finding.rule, finding.line, finding.col) == (rule, line, col)
    assert shown in finding.message


def test_curly_quotes_and_full_width_digits_are_named_where_they_stand() -> None:
    result = load("a: “李娜”\nb: 0991-４656129\nc: 第３期培训\nd: '１２'\n")
    got = [(f.rule, f.line, f.col, f.field) for f in result.findings]
    assert got == [
        ("curly-quote", 1, 4, "a"),
        ("fullwidth-digit", 2, 9, "b"),
        ("fullwidth-digit", 4, 5, "d"),  # a quoted value: the column after the quote
    ]
    assert "0991-4656129" in result.findings[1].message


def test_a_full_width_comma_in_a_flow_list_is_a_hint_for_the_schema() -> None:
    result = load("levels: [初级，中级]\nreasons: [甲，乙。]\ntext: 甲，乙\n")
    assert result.findings == []
    doc = result.document
    assert doc is not None
    assert set(doc.hints) == {("levels", 0), ("reasons", 0)}
    hint = doc.hints[("levels", 0)]
    assert (hint.rule, hint.line, hint.col) == ("fullwidth-comma", 1, 12)
    assert "[初级, 中级]" in hint.message


@pytest.mark.parametrize("asked_first", [False, True])
def test_a_dropped_value_loses_its_position_whenever_positions_are_asked(
    asked_first: bool,
) -> None:
    doc = load("a: 1\nb:\nc: 2\n").document
    assert doc is not None
    if asked_first:
        assert ("b",) in doc.value_pos
    del doc.data["b"]
    doc.forget(("b",))
    assert ("b",) not in doc.value_pos
    assert doc.pos(("b",)) == doc.pos(())  # the nearest ancestor, as for any absent value
    assert doc.pos(("b",), key=True) == (2, 1)  # the key stays, for messages


def test_a_duplicate_key_names_its_first_line_even_before_broken_text() -> None:
    result = load("a: 1\nb: 2\na: 3\nc: [\n")
    assert [f.rule for f in result.findings] == ["yaml-duplicate-key"]
    assert "第一次在第 1 行" in result.findings[0].message


def test_sealed_values_are_placed_while_loading_as_a_second_parse_would_place_them() -> None:
    """Every record of a sealed registry has a finding at its first sealed value: the
    loader notes where armoured values stand, so no record is parsed twice for that."""
    from cebase.document import positions

    from .conftest import EXAMPLES

    checked = 0
    for path in sorted((EXAMPLES / "submissions").glob("*/institution.yaml")):
        text = path.read_text("utf-8")
        doc = load_yaml_text(path.name, text).document
        assert doc is not None and doc.known
        found = positions(text)[0]
        assert {p: found[p] for p in doc.known} == doc.known
        checked += len(doc.known)
    assert checked >= 3 * 17  # three sealed fields in each demo institution
