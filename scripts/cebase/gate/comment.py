"""The pull-request comment, rendered from the gate's structured report.

``render(report)`` reads the JSON values of ``report.build`` (checked for
shape: a malformed report renders as "could not be checked", never as a pass)
and escapes every text it shows. The workflow's comment job runs
``python -I -m cebase.gate.comment REPORT.json``: the base commit's code,
isolated from the working directory.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from itertools import groupby
from pathlib import Path
from typing import Any

from .. import escape, layout
from ..checklist import Checklist, ItemResult, to_markdown
from ..idcodes import redact_ids
from ..vocab import kind_name
from .printable import file_name
from .report import FORMAT

MARKER = "<!-- cebase-gate -->"
REPORT_MAX_CHARS = 60_000
STATUS_ZH = {"A": "新增", "M": "修改", "D": "删除", "R": "重命名", "T": "类型变更"}
_FINDING_KEYS = {"path": str, "line": int, "col": int, "rule": str, "severity": str}
_FORM_KEYS = {"uscc": str, "cycle": str, "forms": list, "file": str, "draft": bool, "sealed": bool}
_FORM_KEYS |= {"missing": list, "errors": int}
# Where the workflow's upload step says the forms are: a run, or one artifact of it.
ARTIFACT_URL = re.compile(
    r"https://[A-Za-z0-9.-]+(?::\d+)?/[\w.-]+/[\w.-]+/actions/runs/\d+(?:/artifacts/\d+)?"
)
ARTIFACT_NAME = "printable-forms"


class BadReport(ValueError):
    """The report does not have the shape ``report.build`` gives."""


def _md(text: object) -> str:
    # A full-width ＠ so that no file name or field can mention (notify) anyone.
    return escape.md_inline(redact_ids(str(text))).replace("@", "＠")


def _need(value: Any, kind: type, what: str) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool) is not (kind is bool):
        raise BadReport(what)
    return value


def check(report: Any) -> Mapping[str, Any]:
    """The report if it has the expected shape; BadReport otherwise."""
    _need(report, dict, "report")
    if report.get("format") != FORMAT:
        raise BadReport("format")
    for key, kind in (("ok", bool), ("errors", int), ("warnings", int), ("now", str)):
        _need(report.get(key), kind, key)
    for key in ("contacts", "changes", "institutions", "findings", "checklists", "forms"):
        _need(report.get(key), list, key)
    for p in report["forms"]:
        _check_form(p)
    for f in report["findings"]:
        _need(f, dict, "finding")
        for key, kind in (*_FINDING_KEYS.items(), ("message", str), ("field", str)):
            _need(f.get(key), kind, f"finding.{key}")
    errors = sum(f["severity"] == "error" for f in report["findings"])
    if report["ok"] is not (errors == 0) or report["errors"] != errors:
        raise BadReport("verdict does not match the findings")
    return report


def _check_form(p: Any) -> None:
    """A form entry names a real folder pair and only the file the gate would write for it."""
    _need(p, dict, "form")
    for key, kind in _FORM_KEYS.items():
        _need(p.get(key), kind, f"form.{key}")
    if not (layout.USCC_FOLDER.fullmatch(p["uscc"]) and layout.CYCLE_ID.fullmatch(p["cycle"])):
        raise BadReport("form.folder")
    if p["file"] not in ("", file_name(p["uscc"], p["cycle"])):
        raise BadReport("form.file")
    if not p["forms"] or not set(p["forms"]) <= {"1", "2", "3"}:
        raise BadReport("form.forms")
    for m in p["missing"]:
        _need(m, str, "form.missing")


def _verdict(report: Mapping[str, Any]) -> str:
    errors, warnings = report["errors"], report["warnings"]
    if errors:
        return (
            f"**❌ 需要修改**：发现 {errors} 个错误"
            + (f"、{warnings} 个提醒" if warnings else "")
            + "。请按下面的说明修改后，推送到同一分支（或在网页上继续编辑），检查会自动重新运行。"
        )
    tail = f"（另有 {warnings} 个提醒，请看一下）" if warnings else ""
    return f"**✅ 可以进入人工审核**：自动检查全部通过{tail}，等待市人社局初审。"


def _submitted(report: Mapping[str, Any]) -> list[str]:
    out = ["### 本次提交的内容", ""]
    for inst in report["institutions"]:
        name = inst.get("name") or "（单位名称未填写或无法读取）"
        kinds = "；".join(
            f"{s.get('cycle')} 周期" + "、".join(kind_name(k) for k in s.get("kinds", []))
            for s in inst.get("submissions", [])
        )
        out.append(
            f"- **{_md(name)}**（统一社会信用代码 {_md(inst.get('uscc'))}）：{_md(kinds or '单位信息')}"
        )
    shown = report["changes"][:200]
    for c in shown:
        out.append(f"  - {STATUS_ZH.get(str(c.get('status')), '修改')}：{_md(c.get('path'))}")
    if len(report["changes"]) > len(shown):
        out.append(f"  - ……共 {len(report['changes'])} 个文件，其余未列出。")
    if not report["changes"]:
        out.append("- （没有修改任何文件）")
    return [*out, ""]


def _forms(report: Mapping[str, Any], url: str) -> list[str]:
    """Which printable forms were generated (drafts marked) and where to download them."""
    if not report["forms"]:
        return []
    names = {i.get("uscc"): i.get("name") for i in report["institutions"]}
    contact = _md(report["contacts"][0]) if report["contacts"] else "市人社局"
    out = ["### 可打印的表格", ""]
    if any(p["file"] for p in report["forms"]):
        where = f"[本次检查生成的表格（{ARTIFACT_NAME}）]({url})" if url else f"“{ARTIFACT_NAME}”"
        out += [
            f"下载{where}（本次检查运行页面底部的 Artifacts，解压后用浏览器打开 .html 文件、打印为 A4 纸张）。"
            "表格由市人社局的检查程序按本次提交的内容生成。",
            "",
        ]
    for p in report["forms"]:
        which = "、".join(f"附件{f}" for f in p["forms"])
        who = f"**{_md(names.get(p['uscc']) or p['uscc'])}** {p['cycle']} 年度{which}"
        if not p["file"] and p["sealed"]:
            out.append(
                f"- {who}：未生成。表格要用到加密的个人信息，本次自动检查没有密钥，无法读取；"
                f"市人社局审核人员会用密钥生成表格（`cebase form --identity`）。如需提前打印，请联系{contact}。"
            )
        elif not p["file"] and p["errors"]:
            out.append(
                f"- {who}：未生成。材料还有 {p['errors']} 个错误（见下文），修正后会自动生成。"
            )
        elif not p["file"]:
            out.append(
                f"- {who}：生成表格时出错，未生成。这不是您的材料造成的；请联系{contact}，"
                "或在本地运行 `cebase form` 生成。"
            )
        elif p["draft"]:
            missing = "、".join(_md(m) for m in p["missing"])
            out.append(
                f"- {who}：`{p['file']}`，**草稿**（每页带“草稿（未盖章）”水印），还缺：{missing}。"
                "请打印草稿核对、签字盖章，把扫描件上传到 attachments/ 并在表单中填写路径，之后会生成正式表格。"
            )
        else:
            out.append(f"- {who}：`{p['file']}`，可直接打印、签字盖章。")
    return [*out, ""]


def _finding_blocks(findings: Sequence[Mapping[str, Any]]) -> Iterator[tuple[str, list[str]]]:
    """(heading, lines) per file, in order."""
    ordered = sorted(findings, key=lambda f: (f["path"], f["line"], f["col"], f["rule"]))
    for path, group in groupby(ordered, key=lambda f: f["path"]):
        head = f"#### 📄 {_md(path)}" if path else "#### 📄 整个拉取请求"
        lines = []
        for f in group:
            where = f"第 {f['line']} 行" if f["line"] else "整个文件"
            level = "错误" if f["severity"] == "error" else "提醒"
            field = f"（字段 {_md(f['field'])}）" if f["field"] else ""
            rule = _md(f["rule"])
            lines.append(f"- **{where}**{field} · {level}：{_md(f['message'])} <sub>{rule}</sub>")
        yield head, lines


def _checklists(report: Mapping[str, Any]) -> str:
    now = date.fromisoformat(report["now"])
    parts = []
    for data in report["checklists"]:
        items = [ItemResult(**{**i, "reasons": tuple(i.get("reasons", ()))}) for i in data["items"]]
        cl = Checklist(**{**data, "items": items})
        parts.append(to_markdown(cl, now).strip())
    return "\n\n".join(parts).replace("@", "＠")  # no mentions from names, as in ``_md``


def render(report: Any, *, limit: int = REPORT_MAX_CHARS, forms_url: str = "") -> str:
    """The pull-request comment: title, verdict, what was submitted, forms, findings, checklists.

    ``forms_url``: the upload step's address of the forms; anything but a run's or an
    artifact's address is not linked.
    """
    try:
        report = check(report)
        checklists = _checklists(report)
    except (BadReport, TypeError, KeyError, ValueError) as exc:
        return failed(f"检查报告格式不正确（{type(exc).__name__}）")
    url = forms_url if ARTIFACT_URL.fullmatch(forms_url) else ""
    head = [MARKER, "## 继续教育基地材料自动检查", "", _verdict(report), ""]
    body = "\n".join([*head, *_submitted(report), *_forms(report, url)])
    contacts = "、".join(_md(c) for c in report["contacts"])
    tail = f"---\n<sub>本报告由 cebase 自动生成。对检查结果有疑问，请联系{contacts}。</sub>\n"
    budget = limit - len(body) - len(tail) - 200
    if len(checklists) > budget // 2:
        checklists = "（审核清单过长，未在此显示；请运行 `cebase checklist` 查看。）"
    budget -= len(checklists)
    parts: list[str] = []
    if report["findings"]:
        parts += ["### 需要处理的问题（按文件）", ""]
        shown = 0
        for head, lines in _finding_blocks(report["findings"]):
            block = "\n".join([head, "", *lines, ""])
            if sum(map(len, parts)) + len(parts) + len(block) > budget:
                break
            parts.append(block)
            shown += len(lines)
        if shown < len(report["findings"]):
            parts.append(
                f"……另有 {len(report['findings']) - shown} 个问题因篇幅所限未显示，完整列表请查看本次检查运行的日志。\n"
            )
    return "\n".join([body, *parts, checklists, "", tail])[:limit]


def failed(why: str) -> str:
    """The comment when no report could be read: never a pass."""
    return (
        f"{MARKER}\n## 继续教育基地材料自动检查\n\n**❌ 检查未能完成**：{_md(why)}。"
        "这通常不是您的文件造成的；请联系市人社局，并附上本页面的链接。\n"
    )


USAGE = "用法：python -I -m cebase.gate.comment REPORT.json [--forms-url 附件地址]\n"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -I -m cebase.gate.comment REPORT.json [--forms-url URL]``: print the comment.

    Exit 0 unless the arguments are unusable.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    url = ""
    if len(args) == 3 and args[1] == "--forms-url":
        url, args = args[2], args[:1]
    if len(args) != 1:
        sys.stderr.write(USAGE)
        return 2
    try:
        report = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        sys.stdout.write(failed(f"没有检查报告（{type(exc).__name__}）"))
        return 0
    sys.stdout.write(render(report, forms_url=url))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
