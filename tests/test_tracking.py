"""The tracking record in the issue body: read back as written, compact enough for thousands
of institutions, and anything damaged or hostile refused with a Chinese message."""

from __future__ import annotations

import base64
import random
import zlib

import pytest

from cebase import tracking as tr
from cebase.cli.remind import LIMIT
from cebase.idcodes import make_uscc

from .conftest import FIXTURES

CYCLE = "2026"
RECORDS = FIXTURES / "remind"


def test_the_record_can_never_end_its_html_comment_early() -> None:
    tracking = tr.Tracking(CYCLE, {"x--><script>": {"a": "2025-11-04"}}, "2025-11-04")
    block = tr.write_tracking(tracking)
    assert block.count("-->") == 1 and block.endswith(" -->") and "<script>" not in block
    assert tr.read_tracking(f"正文\n\n{block}\n", CYCLE) == tracking


def test_a_version_1_record_is_still_read_and_written_back_compact() -> None:
    old = tr.read_tracking((RECORDS / "mentioned-at-opening.md").read_text("utf-8"), CYCLE)
    assert old.mentioned == {"12650105DEM0J0093K": {"self-inspection:opened": "2025-11-03"}}
    block = tr.write_tracking(old)
    assert block.startswith(tr.MARK + tr.PACKED)
    assert tr.read_tracking(block, CYCLE) == old


def test_thousands_of_institutions_fit_in_an_issue_body() -> None:
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    pick = random.Random(7)
    mentioned = {}
    for _ in range(3000):  # three mentions each: the cycle opened, 3 and 1 working days before
        org = "".join(pick.choice(chars) for _ in range(8))
        uscc = make_uscc(pick.choice(["12", "52", "91"]), "650102", org)
        mentioned[uscc] = {
            "self-inspection:opened": "2025-11-04",
            "self-inspection:3:2025-11-07": "2025-11-04",
            "self-inspection:1:2025-11-07": "2025-11-06",
        }
    tracking = tr.Tracking(CYCLE, mentioned, "2025-11-06")
    block = tr.write_tracking(tracking)
    assert len(block) < LIMIT  # the body's lists give way to it, never the record
    assert tr.read_tracking(block, CYCLE) == tracking


@pytest.mark.parametrize(
    "name",
    [
        "two-blocks.md",
        "broken-json.md",
        "other-cycle.md",
        "bad-shape.md",
        "bad-date.md",
        "old-version.md",
        "packed-damaged.md",
        "packed-not-json.md",
    ],
)
def test_an_unreadable_record_is_refused(name: str) -> None:
    with pytest.raises(tr.RecordError):
        tr.read_tracking((RECORDS / name).read_text("utf-8"), CYCLE)


def test_a_decompression_bomb_is_refused() -> None:
    bomb = zlib.compress(b"{" + b" " * (tr.MAX_RECORD_BYTES + 1024), 9)
    block = f"{tr.MARK}{tr.PACKED}{base64.b64encode(bomb).decode()} -->"
    with pytest.raises(tr.RecordError, match="已损坏"):
        tr.read_tracking(block, CYCLE)


@pytest.mark.parametrize(
    "text", ["", "### 标题\n\n正文", (RECORDS / "no-record.md").read_text("utf-8")]
)
def test_a_body_without_a_record_starts_an_empty_one(text: str) -> None:
    assert tr.read_tracking(text, CYCLE) == tr.Tracking(CYCLE)
