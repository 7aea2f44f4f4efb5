"""Rule functions with good and bad values (the fixture trees test them in place)."""

from __future__ import annotations

import pytest

from cebase.rules import RULES, rule_ids
from cebase.rules.contact import phone_problem, url_problem
from cebase.rules.files import count_text, sniff


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        ("0991-4656129", "any"),
        ("0991 3193615", "any"),
        ("(0991)4656129", "any"),
        ("13999016592", "mobile"),
        ("+86 139 9901 6592", "mobile"),
        ("400-810-8888", "any"),
    ],
)
def test_good_phones(number: str, kind: str) -> None:
    assert phone_problem(number, kind) is None


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        ("0991-465612", "any"),
        ("0991-46561299", "any"),
        ("12345", "any"),
        ("电话", "any"),
        ("0991-4656129", "mobile"),
        ("1399901659", "mobile"),
    ],
)
def test_bad_phones(number: str, kind: str) -> None:
    assert phone_problem(number, kind) is not None


@pytest.mark.parametrize("url", ["https://www.example.cn/", "https://example.cn/path?q=1"])
def test_good_urls(url: str) -> None:
    assert url_problem(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://www.example.cn/",
        "javascript:alert(1)",
        "https://",
        "https://localhost/",
        "https://user:pw@example.cn/",
        "ftp://example.cn/",
    ],
)
def test_bad_urls(url: str) -> None:
    assert url_problem(url) is not None


@pytest.mark.parametrize(
    ("markdown", "count"),
    [
        ("自查报告", 4),
        ("# 标题\n\n正文，有**加粗**和`代码`。", 10),
        ("[链接文字](https://example.cn/very/long/path)", 4),
        ("培训 120 人次，共 3 期 training sessions", 10),
        ("<div>四个汉字</div>\n\n- 列表\n- 项目", 8),
        ("   \n\n***\n---\n", 0),
    ],
)
def test_count_text_ignores_markup_and_spaces(markdown: str, count: int) -> None:
    assert count_text(markdown) == count


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (b"\x89PNG\r\n\x1a\n\x00", "png"),
        (b"\xff\xd8\xff\xe0", "jpg"),
        (b"PK\x03\x04", None),
        (b"", None),
        (b"<html>", None),
    ],
)
def test_sniff(head: bytes, kind: str | None) -> None:
    assert sniff(head) == kind


def test_every_rule_is_documented_and_checklists_can_name_it() -> None:
    assert all(r.doc for r in RULES.values())
    assert {
        "uscc",
        "folder-uscc",
        "phone",
        "https-url",
        "specialty-code",
        "specialty-level",
        "self-report-length",
        "finance-totals",
        "self-score-max",
        "self-score-missing",
        "attachment-missing",
        "attachment-type",
        "attachment-size",
        "one-submission-per-cycle",
        "personal-id",
        "deadline",
    } <= rule_ids()


def test_an_office_phone_is_not_a_mobile() -> None:
    assert phone_problem("13999016592", "office") is not None
    assert phone_problem("0991-4656129", "office") is None
    assert phone_problem("400-810-8888", "office") is None


def test_messages_mask_mobiles_however_written() -> None:
    from cebase.privacy import redact

    assert (
        redact("请拨 139 9901 6592 或 139-9901-6592 或 13999016592")
        == "请拨 139****6592 或 139****6592 或 139****6592"
    )
    assert redact("办公电话 0991-4656129") == "办公电话 0991-4656129"


# The rules' shortcuts must agree with the plain definitions they replace.


def _count_text_reference(markdown: str) -> int:
    """count_text as first written: every substitution, one match per Chinese character."""
    from cebase.rules.files import _CJK, _HTML_TAG, _MD_CODE_FENCE, _MD_LINK, _URL, _WORD

    text = _MD_CODE_FENCE.sub(" ", markdown)
    text = _MD_LINK.sub(r"\1", text)
    text = _HTML_TAG.sub(" ", text)
    text = _URL.sub(" ", text)
    return len(_CJK.findall(text)) + len(_WORD.findall(_CJK.sub(" ", text)))


@pytest.mark.parametrize(
    "markdown",
    [
        "",
        "中文English混排3.14和it’s与don't以及e-mail、a.b.c结尾。",
        "```\n代码块里的字不算\n```\n正文",
        "```python\nx = 1\n``` 未闭合的```",
        "见[附件一](attachments/a.pdf)和![图](x.png)，以及[不是链接] (x)",
        "<b>粗体</b> a<b 不是标签 > 和 <<>>",
        "网址 https://example.cn/路径 与 http://a.cn、ftp://b.cn 以及 ://",
        "𠀀𠀁 扩展B 豈 㐀 ㄅ",
        "培训\t120\u3000人次\n\n共３期",
    ],
)
def test_count_text_agrees_with_the_reference(markdown: str) -> None:
    assert count_text(markdown) == _count_text_reference(markdown)


def test_strings_are_the_string_scalars_in_order() -> None:
    from cebase.registry import scan
    from cebase.rules import Context, leaf_path, strings

    from .conftest import EXAMPLES

    reg = scan(EXAMPLES)
    ctx = Context(reg)
    records = [r for r in reg.records() if r.doc is not None]
    assert records

    def leaves(path, value):  # the plain recursive definition
        if isinstance(value, dict):
            for k, v in value.items():
                yield from leaves((*path, k), v)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                yield from leaves((*path, i), v)
        else:
            yield path, value

    for rec in records:
        want = [(p, v) for p, v in leaves((), rec.data) if isinstance(v, str)]
        assert [(leaf_path(p, k), v) for p, k, v in strings(rec, ctx)] == want
        assert strings(rec, ctx) is strings(rec, ctx)  # walked once


@pytest.mark.parametrize(
    ("dated", "until", "late"),
    [
        ("2025-11-07", None, False),  # on the deadline
        ("2025-11-08", None, True),
        ("2025-11-13", "2025-11-14", False),  # within the extension
        ("2025-11-15", "2025-11-14", True),
        ("2025-11-08", "2025-11-01", True),  # an extension before the deadline extends nothing
    ],
)
def test_deadline_compares_dates_with_the_latest_extension(
    demo_copy, dated: str, until: str | None, late: bool
) -> None:
    from cebase.registry import scan
    from cebase.validate import validate

    app = demo_copy / "submissions/12650104DEM0A0019H/2026/application.yaml"
    app.write_text(app.read_text("utf-8").replace("date: 2025-11-05", f"date: {dated}"), "utf-8")
    if until is not None:
        cycle = demo_copy / "cycles/2026/cycle.yaml"
        text = cycle.read_text("utf-8")
        entry = (
            '  - uscc: "12650104DEM0A0019H"\n    kind: application\n'
            f"    until: {until}\n    reason: 示例\n"
        )
        cycle.write_text(
            text.replace("extensions:  # 示例值\n", "extensions:\n" + entry, 1), "utf-8"
        )
    found = [f for f in validate(scan(demo_copy)).findings if f.rule == "deadline"]
    assert [f.path.endswith("12650104DEM0A0019H/2026/application.yaml") for f in found] == (
        [True] if late else []
    )
    if late and until:
        assert f"获准延期至 {until}" in found[0].message


def test_attachments_are_judged_by_size_and_first_bytes(demo_copy) -> None:
    from cebase.registry import scan
    from cebase.rules.files import ATTACHMENT_MAX_BYTES
    from cebase.validate import validate

    folder = demo_copy / "submissions" / "12650104DEM0A0019H" / "2026" / "attachments"
    (folder / "application-form.pdf").write_bytes(b"%PD")  # shorter than any signature
    with (folder / "written-report.pdf").open("wb") as fh:  # a PDF, but too large
        fh.write(b"%PDF-1.7\n")
        fh.truncate(ATTACHMENT_MAX_BYTES + 1)
    (folder / "legal-person-certificate.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    found = [
        (f.field, f.rule, f.message)
        for f in validate(scan(demo_copy)).findings
        if f.path.endswith("12650104DEM0A0019H/2026/application.yaml")
        and f.rule.startswith("attachment")
    ]
    assert [(field, rule) for field, rule, _ in found] == [
        ("materials.application_form", "attachment-type"),
        ("materials.legal_person_certificate", "attachment-type"),
        ("materials.written_report", "attachment-size"),
    ]
    assert "扩展名是 .pdf，但内容是PNG 图片" in found[1][2]
    assert "有 10.0 MB，超过 10 MB 上限" in found[2][2]
