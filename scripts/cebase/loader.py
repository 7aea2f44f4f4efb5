"""The one strict YAML loader: CI, the CLI, the site build and the gate all use it.

Built on PyYAML's C event parser. We construct values ourselves from the event
stream so that:
- anchors, aliases, explicit tags, directives and extra documents are refused;
- only YAML 1.2 core scalars are typed, more strictly still: ``no`` stays a string,
  ``0991`` stays a string (a leading zero is a phone prefix, not a number), and
  ``2025-11-07`` stays a string (dates are checked by format in the schema);
- duplicate keys are refused and every key is kept as text;
- a blank value (``key:`` or ``key: ""``) is noted, so that loading can treat
  a blank optional field as absent (``schemas.prune_blanks``);
- every value and key has its line and column (``Document.pos``), found again
  from the text only for a document with a finding to place;
- a decoded string may not hold invisible characters (a YAML escape such as
  ``"\\u202E"`` is caught too), and look-alikes of YAML's own punctuation
  (full-width colon and comma, curly quotes, full-width digits) are named where
  they stand.
Problems come back as findings, never as exceptions.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .armour import BEGIN as ARMOUR_BEGIN
from .document import Document, Parser, Path_, Strings, positions
from .findings import Finding, field_path
from .textcheck import (
    CURLY_CLOSE,
    CURLY_OPEN,
    FULLWIDTH_DIGITS,
    INVISIBLE_VALUE,
    char_name,
    check_text,
    fullwidth_digit,
)
from .yamlerrors import syntax_finding, tab_indent

_SCALAR, _MAP_START, _SEQ_START = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
_MAP_END, _SEQ_END = yaml.MappingEndEvent, yaml.SequenceEndEvent

MAX_BYTES = 512 * 1024  # a form is a few KiB; this is far above any honest file
MAX_DEPTH = 32
MAX_NODES = 50_000
# The bureau's cycle.yaml lists every incumbent base: thousands of entries.
LARGE_BYTES = 32 * 1024 * 1024
LARGE_NODES = 2_000_000
LARGE_KINDS = frozenset({"cycle"})


_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
# A plain scalar that is neither of these words nor starts like a number is text.
_WORDS = _NULL | _TRUE | _FALSE
_NUMBER_START = frozenset("+-0123456789")  # of an int or a float
_FLOAT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+(?:[eE][-+]?[0-9]+)?|[eE][-+]?[0-9]+)")


_ALIAS = "使用了别名“*{}”。本系统不接受锚点和别名，请把被引用的内容直接写出来。"


@dataclass(slots=True)
class LoadResult:
    document: Document | None
    findings: list[Finding]


def plain_value(value: str) -> Any:
    """The value of a plain scalar."""
    if value in _NULL:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if _INT.fullmatch(value):
        return int(value)
    if _FLOAT.fullmatch(value):
        return float(value)
    return value


class _Refused(Exception):
    """The file cannot be loaded; the finding says why."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


class _Frame:
    """An open container: where it is and the key waiting for its value."""

    __slots__ = ("container", "flow", "is_map", "key", "path")

    def __init__(self, container: Any, path: Path_, flow: bool) -> None:
        self.container = container
        self.is_map = isinstance(container, dict)
        self.path = path
        self.key: str | None = None
        self.flow = flow


class _Builder:
    """Values out of the parser's events, with per-value checks.

    Positions are not kept here: they are only needed to place a finding, so
    ``positions`` finds them again from the text for a document that is asked.
    """

    def __init__(self, path: str, text: str, max_nodes: int) -> None:
        self.path = path
        self.text = text
        # Every string in document order, as ``Document.strings`` gives them: the
        # text rules' walk, noted here for the price of an append.
        self.strings: Strings = []
        self.doc = Document(path, None, text=text, _strings=self.strings)
        self.findings: list[Finding] = []
        self.stack: list[_Frame] = []
        self.max_nodes = max_nodes
        self.nodes = 0
        self.documents = 0
        self.widths = FULLWIDTH_DIGITS.search(text) is not None

    def refuse(self, mark: Any, rule: str, message: str) -> _Refused:
        return _Refused(Finding(self.path, mark.line + 1, mark.column + 1, rule, message))

    def run(self, text: str) -> None:
        # The hot path of loading, one turn per parser event (a registry is a few
        # million): events pulled straight from the parser, the usual cases inline
        # with locals, the rare ones in methods.
        get_event = Parser(text).get_event
        stack, blanks, strings = self.stack, self.doc.blanks, self.strings
        max_nodes, widths = self.max_nodes, self.widths
        nodes = 0
        frame: _Frame | None = None
        while (ev := get_event()) is not None:
            kind = type(ev)
            if kind is _SCALAR:
                nodes += 1
                if ev.anchor is not None or ev.tag is not None or nodes > max_nodes:
                    self.nodes = nodes
                    self.admit(ev)
                value = ev.value
                if frame is None:
                    self.root_scalar(ev)
                    continue
                if frame.is_map:
                    key = frame.key
                    if key is None:  # this scalar is a key
                        if value in frame.container or value == "<<" or ev.style == '"':
                            self.key(ev, frame)  # to be refused or looked at
                        else:
                            frame.key = value
                        continue
                    frame.key = None
                    if ev.implicit[0] and (value in _WORDS or value[0] in _NUMBER_START):
                        value = plain_value(value)
                    frame.container[key] = value
                    if value is None or value == "":
                        blanks.append((*frame.path, key))
                        if value is not None:
                            strings.append((frame.path, key, value))
                        continue
                else:
                    key = len(frame.container)
                    if ev.implicit[0] and (value in _WORDS or value[0] in _NUMBER_START):
                        value = plain_value(value)
                    frame.container.append(value)
                if type(value) is str:
                    strings.append((frame.path, key, value))
                    if value and (ev.style or widths or frame.flow or value[0] in CURLY_OPEN):
                        self.check_value(ev, (*frame.path, key), value)
            elif kind is _MAP_END or kind is _SEQ_END:
                stack.pop()
                frame = stack[-1] if stack else None
            elif kind is _MAP_START or kind is _SEQ_START:
                nodes += 1
                if ev.anchor is not None or ev.tag is not None or nodes > max_nodes:
                    self.nodes = nodes
                    self.admit(ev)
                frame = self.open(ev, kind, frame)
            elif kind is yaml.DocumentStartEvent:
                self.document_start(ev)
            elif kind is yaml.AliasEvent:
                raise self.refuse(ev.start_mark, "yaml-alias", _ALIAS.format(ev.anchor))

    def root_scalar(self, ev: Any) -> None:
        """A document that is one value (refused later: a record is a mapping)."""
        value = plain_value(ev.value) if ev.implicit[0] else ev.value
        self.doc.data = value
        if type(value) is str and value and (ev.style or self.widths or value[0] in CURLY_OPEN):
            self.check_value(ev, (), value)

    def open(self, ev: Any, kind: type, frame: _Frame | None) -> _Frame:
        """A new mapping or list, put in its container; its frame."""
        value: Any = {} if kind is _MAP_START else []
        if frame is None:
            self.doc.data = value
            here: Path_ = ()
        elif frame.is_map:
            key = frame.key
            if key is None:
                raise self.refuse(
                    ev.start_mark,
                    "yaml-complex-key",
                    "字段名必须是普通文字，不能是列表或映射。请检查这一行的写法。",
                )
            frame.key = None
            here = (*frame.path, key)
            frame.container[key] = value
        else:
            here = (*frame.path, len(frame.container))
            frame.container.append(value)
        if len(self.stack) >= MAX_DEPTH:
            raise self.refuse(
                ev.start_mark, "yaml-too-deep", f"嵌套层级超过 {MAX_DEPTH} 层，请对照模板检查结构。"
            )
        new = _Frame(value, here, bool(ev.flow_style) and kind is _SEQ_START)
        self.stack.append(new)
        return new

    def document_start(self, ev: Any) -> None:
        self.documents += 1
        if self.documents > 1:
            raise self.refuse(
                ev.start_mark,
                "yaml-multi-doc",
                "文件中有多个 YAML 文档（“---”分隔）。每个文件只能有一个文档，请删除多余的“---”及其后内容，或拆成单独的文件。",
            )
        if ev.version or ev.tags:
            raise self.refuse(
                ev.start_mark,
                "yaml-directive",
                "文件使用了“%YAML”或“%TAG”指令。请删除以“%”开头的行。",
            )

    def admit(self, ev: Any) -> None:
        """Refuse an anchor, a tag or one node too many (called only when one is there)."""
        if self.nodes > self.max_nodes:
            raise self.refuse(
                ev.start_mark,
                "yaml-too-large",
                f"文件包含的条目超过 {self.max_nodes} 个，请精简内容。",
            )
        if ev.anchor is not None:
            raise self.refuse(
                ev.start_mark,
                "yaml-anchor",
                f"使用了锚点“&{ev.anchor}”。本系统不接受锚点和别名，请删除“&{ev.anchor}”。",
            )
        raise self.refuse(
            ev.start_mark,
            "yaml-tag",
            f"使用了 YAML 标签“{ev.tag}”。本系统不接受标签，请删除“!”开头的标记；"
            "若想把数字写成文本，请用英文引号括起来。",
        )

    def key(self, ev: Any, frame: _Frame) -> None:
        key = ev.value
        if key in frame.container:  # a key's value is stored before the next key comes
            first, _ = positions(self.text, stop=ev.start_mark.index)[1][(*frame.path, key)]
            raise self.refuse(
                ev.start_mark,
                "yaml-duplicate-key",
                f"字段“{key}”重复出现（第一次在第 {first} 行）。请删除或合并重复的字段。",
            )
        if key == "<<":
            raise self.refuse(
                ev.start_mark, "yaml-merge-key", "不支持合并键“<<”。请把内容直接写出来。"
            )
        frame.key = key
        if ev.style == '"':
            self.invisible(ev, (*frame.path, key), key)

    # ------------------------------------------------ checks of one string value

    def note(
        self, ev: Any, offset: int, here: Path_, rule: str, message: str, hint: bool = False
    ) -> None:
        """A finding on the character ``offset`` into the scalar (its start if unknown);
        a ``hint`` is kept for the schema stage, used only if the value is refused."""
        start, end = ev.start_mark, ev.end_mark
        line, col = start.line + 1, start.column + 1
        if offset >= 0 and start.line == end.line:
            col += offset + (0 if not ev.style else 1)  # plain: None or ''
        finding = Finding(self.path, line, col, rule, message, field=field_path(here))
        if hint:
            self.doc.hints[here] = finding
        else:
            self.findings.append(finding)

    def invisible(self, ev: Any, here: Path_, text: str) -> None:
        m = INVISIBLE_VALUE.search(text)
        if m is not None:
            where = field_path(here) or "文件顶层"
            self.note(
                ev,
                -1,
                here,
                "forbidden-char",
                f"字段“{where}”的值中有不可见的{char_name(m.group())}"
                "（可能由“\\u…”“\\x…”“\\0”等转义写出）。请删除该字符。",
            )

    def check_value(self, ev: Any, here: Path_, value: Any) -> None:
        if not isinstance(value, str) or not value:
            return
        style = ev.style
        if style and value.startswith(ARMOUR_BEGIN):  # a sealed value: note where it stands
            mark = ev.start_mark
            self.doc.known[here] = (mark.line + 1, mark.column + 1)
        if style == '"':
            self.invisible(ev, here, value)
        if not style and value[0] in CURLY_OPEN and value[-1] in CURLY_CLOSE:
            self.note(
                ev,
                0,
                here,
                "curly-quote",
                f"字段“{field_path(here)}”的值两端是中文引号 {value[0]} {value[-1]}，"
                '它们会成为内容的一部分。请删去这两个引号（需要引号时用英文引号 "…"）。',
            )
        if self.stack and self.stack[-1].flow and "，" in value:
            self.note(
                ev,
                value.index("，"),
                here,
                "fullwidth-comma",
                f"列表中用了中文逗号“，”分隔，“{value}”被当作一项。请改用英文逗号“,”，"
                f"例如 [{', '.join(value.split('，'))}]。",
                hint=True,
            )
        elif self.widths and (i := fullwidth_digit(value)) is not None:
            self.note(
                ev,
                i,
                here,
                "fullwidth-digit",
                f"“{value[i]}”是全角数字。请改为半角数字：{unicodedata.normalize('NFKC', value)}。",
            )


def _not_a_mapping(path: str, data: Any) -> Finding:
    what = "空文件" if data is None else "列表" if isinstance(data, list) else "单个值"
    return Finding(
        path,
        1,
        1,
        "yaml-top-level",
        f"文件顶层是{what}，应为“字段名: 值”形式的映射。请使用 `cebase new` 生成的模板填写。",
    )


def load_yaml_text(path: str, text: str, *, max_nodes: int = MAX_NODES) -> LoadResult:
    """Load one YAML document whose text has already passed ``check_text``."""
    tab = tab_indent(path, text)
    if tab is not None:
        return LoadResult(None, [tab])
    builder = _Builder(path, text, max_nodes)
    try:
        builder.run(text)
    except _Refused as refused:
        return LoadResult(None, [*builder.findings, refused.finding])
    except yaml.YAMLError as exc:
        return LoadResult(None, [*builder.findings, syntax_finding(path, text, exc)])
    doc = builder.doc
    if not isinstance(doc.data, dict):
        return LoadResult(None, [*builder.findings, _not_a_mapping(path, doc.data)])
    return LoadResult(doc, builder.findings)


def load_yaml_bytes(path: str, raw: bytes, kind: str | None = None) -> LoadResult:
    """Load a YAML file's bytes; ``kind`` (the record kind) sets the size limits."""
    large = kind in LARGE_KINDS
    text, findings = check_text(path, raw, max_bytes=LARGE_BYTES if large else MAX_BYTES)
    if text is None:
        return LoadResult(None, findings)
    return load_yaml_text(path, text, max_nodes=LARGE_NODES if large else MAX_NODES)


def unreadable(relpath: str) -> Finding:
    return Finding(relpath, 0, 0, "file-unreadable", "无法读取此文件，请确认它是普通文件。")


def load_yaml_file(file: Path, relpath: str, kind: str | None = None) -> LoadResult:
    try:
        raw = file.read_bytes()
    except OSError:
        return LoadResult(None, [unreadable(relpath)])
    return load_yaml_bytes(relpath, raw, kind)
