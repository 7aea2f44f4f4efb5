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
