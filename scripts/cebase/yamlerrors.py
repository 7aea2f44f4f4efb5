"""Chinese explanations of YAML syntax errors, at the line and column of the mistake."""

from __future__ import annotations

import re

import yaml

from .findings import Finding
from .textcheck import colon_hint, line_col

_TAB_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)

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


def syntax_finding(path: str, text: str, exc: yaml.YAMLError) -> Finding:
    if not isinstance(exc, yaml.MarkedYAMLError):
        return Finding(path, 1, 1, "yaml-syntax", "无法解析此 YAML 文件，请对照模板检查格式。")
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return colon_hint(path, text, line) or Finding(path, line, col, "yaml-syntax", _explain(exc))


def tab_indent(path: str, text: str) -> Finding | None:
    m = _TAB_INDENT.search(text)
    if m is None:
        return None
    line, col = line_col(text, m.end() - 1)
    return Finding(
        path,
        line,
        col,
        "yaml-tab",
        "缩进中使用了制表符（Tab）。YAML 只能用空格缩进，请把 Tab 换成空格。",
    )
