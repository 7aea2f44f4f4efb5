"""The one strict YAML loader: CI, the CLI, the site build and the gate all use it.

Built on PyYAML's C event parser. We construct values ourselves from the event
stream so that:
- anchors, aliases, explicit tags, directives and extra documents are refused;
- only YAML 1.2 core scalars are typed, more strictly still: ``no`` stays a string,
  ``0991`` stays a string (a leading zero is a phone prefix, not a number), and
  ``2025-11-07`` stays a string (dates are checked by format in the schema);
- duplicate keys are refused and every key is kept as text;
- every value and key keeps its line and column.
Problems come back as findings, never as exceptions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .findings import Finding

try:  # the C parser is the fast path; the pure-Python one behaves the same
    _Parser: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - only without libyaml
    _Parser = yaml.SafeLoader

_SCALAR, _MAP_START, _SEQ_START = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
_MAP_END, _SEQ_END = yaml.MappingEndEvent, yaml.SequenceEndEvent

MAX_BYTES = 512 * 1024  # a form is a few KiB; this is far above any honest file
MAX_DEPTH = 32
MAX_NODES = 50_000
# The bureau's cycle.yaml lists every incumbent base: thousands of entries.
LARGE_BYTES = 32 * 1024 * 1024
LARGE_NODES = 2_000_000
LARGE_KINDS = frozenset({"cycle"})

Path_ = tuple[str | int, ...]

_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+(?:[eE][-+]?[0-9]+)?|[eE][-+]?[0-9]+)")

# C0 controls except TAB/LF/CR, DEL, C1 controls, bidi embeddings/overrides/isolates
# ("Trojan Source"), zero-width no-break space and line/paragraph separators.
_FORBIDDEN_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\u2028\u2029]"
)
_LONE_CR = re.compile(r"\r(?!\n)")
_TAB_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)

_CHAR_NAMES = {
    "\ufeff": "零宽不换行空格（BOM）",
    "\u2028": "行分隔符 U+2028",
    "\u2029": "段分隔符 U+2029",
}


@dataclass(slots=True)
class Document:
    """A loaded YAML file: plain data plus where each value and key stands."""

    path: str
    data: Any
    value_pos: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_pos: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    text: str = ""  # the source, for rules that must see comments too

    def field_at(self, line: int, col: int) -> Path_:
        """The path of the last value that starts at or before a position (document order)."""
        found: Path_ = ()
        for path, pos in self.value_pos.items():
            if pos > (line, col):
                break
            found = path
        return found

    def pos(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the value at ``path``, or of its nearest ancestor."""
        table = self.key_pos if key else self.value_pos
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if key and p in self.value_pos:
                return self.value_pos[p]
            p = p[:-1]
        return self.value_pos.get((), (1, 1))


@dataclass(slots=True)
class LoadResult:
    document: Document | None
    findings: list[Finding]


def _char_description(ch: str) -> str:
    if ch in _CHAR_NAMES:
        return _CHAR_NAMES[ch]
    if "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069":
        return f"双向文字控制符 U+{ord(ch):04X}"
    return f"控制字符 U+{ord(ch):04X}"


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def check_text(
    path: str, raw: bytes, *, max_bytes: int = MAX_BYTES
) -> tuple[str | None, list[Finding]]:
    """Decode ``raw`` as UTF-8 text and refuse what no honest form contains.

    Shared by the YAML loader and the Markdown self-report.
    """
    if len(raw) > max_bytes:
        return None, [
            Finding(
                path,
                0,
                0,
                "file-size",
                f"文件大小为 {len(raw)} 字节，超过上限 {max_bytes} 字节。请删去多余内容；"
                "扫描件请放在 attachments/ 文件夹中并在表单里引用。",
            )
        ]
    if raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return None, [
            Finding(
                path,
                1,
                1,
                "encoding",
                "文件以字节顺序标记（BOM）开头。请另存为“UTF-8（无 BOM）”编码，"
                "或在网页编辑器中删除第一行开头的不可见字符。",
            )
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(raw[: exc.start].decode("utf-8", "replace"), exc.start)
        return None, [
            Finding(
                path,
                line,
                col,
                "encoding",
                f"第 {exc.start + 1} 字节不是有效的 UTF-8 编码（可能是 GBK 等编码保存的）。"
                "请将文件另存为 UTF-8 编码后重新提交。",
            )
        ]
    findings: list[Finding] = []
    for m in _FORBIDDEN_CHARS.finditer(text):
        line, col = _line_col(text, m.start())
        findings.append(
            Finding(
                path,
                line,
                col,
                "forbidden-char",
                f"第 {line} 行第 {col} 列有不可见的{_char_description(m.group())}。"
                "请删除该字符（可整行重新输入）。",
            )
        )
        if len(findings) >= 20:  # one is enough to refuse; twenty are enough to fix
            break
    m = _LONE_CR.search(text)
    if m:
        line, col = _line_col(text, m.start())
        findings.append(
            Finding(
                path,
                line,
                col,
                "forbidden-char",
                "文件使用了单独的回车符（CR）换行。请使用 LF 或 CRLF 换行保存。",
            )
        )
    return (None if findings else text), findings


# Parser messages we can explain in Chinese; others fall back to a general hint.
_PROBLEMS = (
    (
        "mapping values are not allowed",
        "此处不能出现“键: 值”。常见原因：上一行缩进不一致，或值中含有“: ”——请检查缩进，或把整个值用英文引号括起来。",
    ),
    (
        "could not find expected ':'",
        "缺少英文冒号“:”。每个字段应写成“字段名: 值”（冒号后有一个空格）。",
    ),
    ("did not find expected key", "缩进不一致：同一层级的字段必须左对齐，列表项“- ”也要对齐。"),
    ("did not find expected '-' indicator", "列表项缩进不一致：同一列表的每一项“- ”必须左对齐。"),
    (
        "found character '\\t' that cannot start any token",
        "此处使用了制表符（Tab）。YAML 只能用空格缩进，请把 Tab 换成空格。",
    ),
    ("found unexpected end of stream", "文件意外结束：引号或括号没有闭合。"),
    (
        "found unknown escape character",
        "双引号字符串中有无效的转义字符“\\”。请改用单引号，或写成“\\\\”。",
    ),
    ("while scanning a quoted scalar", "引号没有闭合：请检查这一行的引号是否成对。"),
    (
        "block sequence entries are not allowed",
        "此处不能开始列表：“- ”前的字段缺少换行或缩进有误。",
    ),
    ("expected <block end>, but found", "缩进或结构有误：请对照模板检查这一行及上一行的缩进。"),
    ("found undefined alias", "使用了别名（*名称）。本系统不接受锚点和别名，请把内容直接写出来。"),
    (
        "found undefined tag handle",
        "使用了标签（!…）。本系统不接受 YAML 标签，请删除“!”开头的标记。",
    ),
)


def _explain(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or ""
    for needle, chinese in _PROBLEMS:
        if needle in problem or needle in (exc.context or ""):
            return chinese
    return "YAML 格式错误，请对照模板检查这一行的缩进、冒号和引号。"


def _scalar(value: str, plain: bool) -> Any:
    if not plain:
        return value
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


def load_yaml_text(path: str, text: str, *, max_nodes: int = MAX_NODES) -> LoadResult:
    """Load one YAML document whose text has already passed ``check_text``."""
    m = _TAB_INDENT.search(text)
    if m:
        line, col = _line_col(text, m.end() - 1)
        return LoadResult(
            None,
            [
                Finding(
                    path,
                    line,
                    col,
                    "yaml-tab",
                    "缩进中使用了制表符（Tab）。YAML 只能用空格缩进，请把 Tab 换成空格。",
                )
            ],
        )
    doc = Document(path, None, text=text)
    findings: list[Finding] = []

    def fail(mark: Any, rule: str, message: str) -> LoadResult:
        findings.append(Finding(path, mark.line + 1, mark.column + 1, rule, message))
        return LoadResult(None, findings)

    # stack frames: [container, path, pending_key or None, seen keys]
    stack: list[list[Any]] = []
    root_set = False
    documents = 0
    nodes = 0
    # Events are pulled straight from the parser: yaml.parse's generator costs a
    # call per event, and a registry is a few million events.
    get_event = _Parser(text).get_event
    try:
        while (ev := get_event()) is not None:
            kind = type(ev)
            if kind is _MAP_END or kind is _SEQ_END:
                stack.pop()
                continue
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    return fail(
                        ev.start_mark,
                        "yaml-multi-doc",
                        "文件中有多个 YAML 文档（“---”分隔）。每个文件只能有一个文档，请删除多余的“---”及其后内容，或拆成单独的文件。",
                    )
                if ev.version or ev.tags:
                    return fail(
                        ev.start_mark,
                        "yaml-directive",
                        "文件使用了“%YAML”或“%TAG”指令。请删除以“%”开头的行。",
                    )
                continue
            if kind is yaml.AliasEvent:
                return fail(
                    ev.start_mark,
                    "yaml-alias",
                    f"使用了别名“*{ev.anchor}”。本系统不接受锚点和别名，请把被引用的内容直接写出来。",
                )
            if kind is not _SCALAR and kind is not _MAP_START and kind is not _SEQ_START:
                continue  # stream start and end, document end
            nodes += 1
            if nodes > max_nodes:
                return fail(
                    ev.start_mark,
                    "yaml-too-large",
                    f"文件包含的条目超过 {max_nodes} 个，请精简内容。",
                )
            if ev.anchor is not None:
                return fail(
                    ev.start_mark,
                    "yaml-anchor",
                    f"使用了锚点“&{ev.anchor}”。本系统不接受锚点和别名，请删除“&{ev.anchor}”。",
                )
            if ev.tag is not None:
                return fail(
                    ev.start_mark,
                    "yaml-tag",
                    f"使用了 YAML 标签“{ev.tag}”。本系统不接受标签，请删除“!”开头的标记；"
                    "若想把数字写成文本，请用英文引号括起来。",
                )
            mark = ev.start_mark
            pos = (mark.line + 1, mark.column + 1)
            if kind is _SCALAR:
                value = _scalar(ev.value, ev.implicit[0])
                container = None
            elif kind is _MAP_START:
                value = container = {}
            else:
                value = container = []
            # place the node
            if not stack:
                if root_set:  # pragma: no cover - the parser forbids it
                    return fail(ev.start_mark, "yaml-multi-doc", "文件顶层只能有一个映射。")
                root_set = True
                doc.data = value
                doc.value_pos[()] = pos
                here: Path_ = ()
            else:
                frame = stack[-1]
                parent, ppath = frame[0], frame[1]
                if isinstance(parent, dict):
                    if frame[2] is None:  # this node is a key
                        if container is not None:
                            return fail(
                                ev.start_mark,
                                "yaml-complex-key",
                                "字段名必须是普通文字，不能是列表或映射。请检查这一行的写法。",
                            )
                        key = ev.value
                        if key in frame[3]:
                            first = frame[3][key]
                            return fail(
                                ev.start_mark,
                                "yaml-duplicate-key",
                                f"字段“{key}”重复出现（第一次在第 {first[0]} 行）。请删除或合并重复的字段。",
                            )
                        if key == "<<":
                            return fail(
                                ev.start_mark,
                                "yaml-merge-key",
                                "不支持合并键“<<”。请把内容直接写出来。",
                            )
                        frame[3][key] = pos
                        frame[2] = key
                        doc.key_pos[(*ppath, key)] = pos
                        continue
                    key = frame[2]
                    frame[2] = None
                    parent[key] = value
                    here = (*ppath, key)
                else:
                    here = (*ppath, len(parent))
                    parent.append(value)
                doc.value_pos[here] = pos
            if container is not None:
                if len(stack) >= MAX_DEPTH:
                    return fail(
                        ev.start_mark,
                        "yaml-too-deep",
                        f"嵌套层级超过 {MAX_DEPTH} 层，请对照模板检查结构。",
                    )
                stack.append([container, here, None, {}])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        findings.append(Finding(path, line, col, "yaml-syntax", _explain(exc)))
        return LoadResult(None, findings)
    except yaml.YAMLError:
        findings.append(
            Finding(path, 1, 1, "yaml-syntax", "无法解析此 YAML 文件，请对照模板检查格式。")
        )
        return LoadResult(None, findings)
    if not isinstance(doc.data, dict):
        what = "空文件" if doc.data is None else "列表" if isinstance(doc.data, list) else "单个值"
        findings.append(
            Finding(
                path,
                1,
                1,
                "yaml-top-level",
                f"文件顶层是{what}，应为“字段名: 值”形式的映射。请使用 `cebase new` 生成的模板填写。",
            )
        )
        return LoadResult(None, findings)
    return LoadResult(doc, findings)


def load_yaml_bytes(path: str, raw: bytes, kind: str | None = None) -> LoadResult:
    """Load a YAML file's bytes; ``kind`` (the record kind) sets the size limits."""
    large = kind in LARGE_KINDS
    text, findings = check_text(path, raw, max_bytes=LARGE_BYTES if large else MAX_BYTES)
    if text is None:
        return LoadResult(None, findings)
    return load_yaml_text(path, text, max_nodes=LARGE_NODES if large else MAX_NODES)


def load_yaml_file(file: Path, relpath: str, kind: str | None = None) -> LoadResult:
    try:
        raw = file.read_bytes()
    except OSError:
        return LoadResult(
            None,
            [Finding(relpath, 0, 0, "file-unreadable", "无法读取此文件，请确认它是普通文件。")],
        )
    return load_yaml_bytes(relpath, raw, kind)
