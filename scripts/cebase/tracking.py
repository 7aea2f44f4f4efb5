"""The tracking record: every mention the reminders made, kept in the tracking issue's body.

A hidden block at the end of the body (``<!-- cebase-remind z:... -->``): the
JSON record, compressed and in base64, so that it can never end its HTML
comment early and thousands of institutions fit in an issue body. Version 1
records (plain JSON in the block) are still read.
"""

from __future__ import annotations

import base64
import json
import re
import zlib
from dataclasses import dataclass, field
from typing import Any

from . import vocab

MARK = "<!-- cebase-remind "
BLOCK = re.compile(re.escape(MARK) + r"(.*?) -->", re.DOTALL)
# Version 2 is version 1's JSON, zlib-compressed and in base64 behind this prefix:
# an issue body holds 65,536 characters, and a plain record of 2,000 reminded
# institutions is 150,000; compressed, about 12 characters an institution.
RECORD_VERSION = 2
READ_VERSIONS = frozenset({1, RECORD_VERSION})
PACKED = "z:"
MAX_RECORD_BYTES = 64 * 1024 * 1024


class RecordError(ValueError):
    """The tracking record cannot be read (a Chinese message for the user)."""


@dataclass
class Tracking:
    """What the tracking issue remembers: every mention made, per institution."""

    cycle: str
    mentioned: dict[str, dict[str, str]] = field(default_factory=dict)  # uscc -> mark -> day
    updated: str | None = None

    def reminded(self, uscc: str) -> list[str]:
        """The days on which this institution's maintainers were mentioned, oldest first."""
        return sorted(set(self.mentioned.get(uscc, {}).values()))


def read_tracking(text: str, cycle: str | None = None) -> Tracking:
    """The record in an issue body (or a bare JSON file); empty when there is none yet.

    ``cycle``: the cycle the record must belong to (None: whichever it names).
    """
    blocks = BLOCK.findall(text)
    if text.count(MARK) != len(blocks):
        blocks.append("")  # a block without its end: damaged
    if len(blocks) > 1:
        raise RecordError(
            "提醒记录中有多个 cebase-remind 数据块，请只保留最后一次自动更新的那一个。"
        )
    raw = blocks[0] if blocks else text.strip()
    if not blocks and not raw.startswith("{"):
        return Tracking(cycle or "")  # a new issue, or a body without a record yet
    try:
        data = json.loads(_unpack(raw) if raw.startswith(PACKED) else raw)
    except (ValueError, zlib.error):  # bad base64, bad compression, bad JSON
        raise RecordError(
            "提醒记录的数据块已损坏，无法判断已提醒过谁。请从议题编辑历史中恢复该数据块。"
        ) from None
    return _tracking(data, cycle)


def _unpack(raw: str) -> str:
    packed = base64.b64decode(raw.removeprefix(PACKED), validate=True)
    unzip = zlib.decompressobj()
    text = unzip.decompress(packed, MAX_RECORD_BYTES)
    if unzip.unconsumed_tail:  # no honest record is this large: refuse a decompression bomb
        raise ValueError("record too large")
    return text.decode("utf-8")


def _tracking(data: Any, cycle: str | None) -> Tracking:
    if not isinstance(data, dict) or data.get("version") not in READ_VERSIONS:
        raise RecordError(f"提醒记录不是第 {RECORD_VERSION} 版的格式，请从议题编辑历史中恢复。")
    if not isinstance(data.get("cycle"), str) or data["cycle"] != (cycle or data["cycle"]):
        raise RecordError(
            f"提醒记录属于 {data.get('cycle')} 年度，而本次提醒的是 {cycle} 年度；请换用该年度的跟踪议题。"
        )
    mentioned = data.get("mentioned")
    if not isinstance(mentioned, dict) or not all(
        isinstance(marks, dict)
        and all(isinstance(v, str) and vocab.parse_day(v) for v in marks.values())
        for marks in mentioned.values()
    ):
        raise RecordError("提醒记录的 mentioned 字段格式不对：应为 单位代码 → 提醒项 → 日期。")
    updated = data.get("updated")
    return Tracking(data["cycle"], {u: dict(m) for u, m in mentioned.items()}, updated)


def write_tracking(tracking: Tracking) -> str:
    """The record as a hidden block for the issue body (base64: it can never end its comment)."""
    body = {
        "version": RECORD_VERSION,
        "cycle": tracking.cycle,
        "updated": tracking.updated,
        "mentioned": {u: dict(sorted(m.items())) for u, m in sorted(tracking.mentioned.items())},
    }
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    packed = base64.b64encode(zlib.compress(text, 9)).decode("ascii")
    return f"{MARK}{PACKED}{packed} -->"
