"""Reporters: findings → terminal text, GitHub annotations, JSON, Markdown.

The CLI builds its ``--format`` choices from ``REPORTERS``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from itertools import groupby

from . import escape
from .findings import Finding, Severity

SEVERITY_ZH = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}
# GitHub's workflow commands call an info line a notice.
_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def summary(findings: Sequence[Finding], files: int) -> str:
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = sum(f.severity is Severity.WARNING for f in findings)
    if errors + warnings == 0:
        return f"已检查 {files} 个文件，全部通过。"
    return f"已检查 {files} 个文件：{errors} 个错误，{warnings} 个警告。"


def text(findings: Sequence[Finding], files: int) -> str:
    lines = [f"{f.location()}: {f.severity}[{f.rule}] {f.message}" for f in findings]
    lines.append(summary(findings, files))
    return "\n".join(lines) + "\n"


def github(findings: Sequence[Finding], files: int) -> str:
    out = []
    for f in findings:
        props = [f"file={escape.workflow_property(f.path)}"]
        if f.line:
            props += [f"line={f.line}", f"col={f.col or 1}"]
        props.append(f"title={escape.workflow_property(f.rule)}")
        out.append(
            f"::{_GITHUB_LEVEL[f.severity]} {','.join(props)}::{escape.workflow_data(f.message)}"
        )
    out.append(summary(findings, files))
    return "\n".join(out) + "\n"


def as_json(findings: Sequence[Finding], files: int) -> str:
    errors = sum(f.severity is Severity.ERROR for f in findings)
    body = {
        "files": files,
        "errors": errors,
        "warnings": sum(f.severity is Severity.WARNING for f in findings),
        "findings": [f.as_dict() for f in findings],
    }
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def markdown(findings: Sequence[Finding], files: int) -> str:
    """Findings grouped by file, as a reviewer or an institution reads them on a pull request."""
    out = [f"**{summary(findings, files)}**", ""]
    for path, group in groupby(sorted(findings), key=lambda f: f.path):
        out += [
            f"#### `{path.replace('`', '')}`",
            "",
            "| 位置 | 级别 | 问题及修改方法 | 规则 |",
            "|---|---|---|---|",
        ]
        for f in group:
            where = f"第 {f.line} 行第 {f.col} 列" if f.line else "整个文件"
            out.append(
                f"| {where} | {SEVERITY_ZH[f.severity]} | {escape.md_inline(f.message)} | `{f.rule}` |"
            )
        out.append("")
    return "\n".join(out)


Reporter = Callable[[Sequence[Finding], int], str]
REPORTERS: dict[str, Reporter] = {
    "text": text,
    "github": github,
    "json": as_json,
    "markdown": markdown,
}
