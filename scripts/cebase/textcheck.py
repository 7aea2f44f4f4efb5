"""Text before and inside YAML: encoding, invisible characters, full-width look-alikes.

Everything here works on decoded text and gives positioned Chinese findings
that name the character (U+XXXX and its Chinese name). Shared by the YAML
loader (raw text, then every decoded string value) and the self-report.
"""

from __future__ import annotations

import re
import unicodedata

from .findings import Finding

# Invisible or control characters no honest form carries: C0 controls except
# TAB/LF/CR, DEL and C1 controls (NEL), bidi embeddings/overrides/isolates
# ("Trojan Source"), zero-width characters, fillers, BOM, line/paragraph
# separators. Tabs and line breaks of block text are allowed.
INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5"
    "\u180b-\u180f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u206f\u3164\ufeff"
    "\uffa0\ufff0-\ufffb]"
)
# The same for a decoded value: a YAML escape may also give a lone CR.
INVISIBLE_VALUE = re.compile(INVISIBLE.pattern[:-1] + "\r]")
_LONE_CR = re.compile(r"\r(?!\n)")

_NAMES = {
    0x00: "空字符（NUL）",
    0x7F: "删除符（DEL）",
    0x0D: "回车符（CR）",
    0x85: "下一行符（NEL）",
    0xAD: "软连字符",
    0x034F: "组合用字形连接符",
    0x061C: "阿拉伯字母标记",
    0x180E: "蒙古文元音分隔符",
    0x200B: "零宽空格",
    0x200C: "零宽不连字",
    0x200D: "零宽连字",
    0x200E: "从左到右标记（LRM）",
    0x200F: "从右到左标记（RLM）",
    0x2028: "行分隔符",
    0x2029: "段分隔符",
    0x202A: "从左到右嵌入（双向文字控制符）",
    0x202B: "从右到左嵌入（双向文字控制符）",
    0x202C: "退出嵌入（双向文字控制符）",
    0x202D: "从左到右覆盖（双向文字控制符）",
    0x202E: "从右到左覆盖（双向文字控制符）",
    0x2060: "词连接符",
    0x2066: "从左到右隔离（双向文字控制符）",
    0x2067: "从右到左隔离（双向文字控制符）",
    0x2068: "首字强隔离（双向文字控制符）",
    0x2069: "退出隔离（双向文字控制符）",
    0xFEFF: "零宽不换行空格（BOM）",
}


def char_name(ch: str) -> str:
    """The Chinese name of an invisible character, with its code point."""
    code = ord(ch)
    name = _NAMES.get(code)
    if name is None:
        if code < 0x20 or 0x7F <= code <= 0x9F:
            name = "控制字符"
        elif code in (0x115F, 0x1160, 0x3164, 0xFFA0):
            name = "韩文填充符"
        elif 0x2061 <= code <= 0x206F:
            name = "不可见格式字符"
        else:
            name = "不可见字符"
    return f"{name} U+{code:04X}"


def line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def _too_large(path: str, size: int, max_bytes: int) -> Finding:
    return Finding(
        path,
        0,
        0,
        "file-size",
        f"文件大小为 {size} 字节，超过上限 {max_bytes} 字节。请删去多余内容；"
        "扫描件请放在 attachments/ 文件夹中并在表单里引用。",
    )


def _bom(path: str) -> Finding:
    return Finding(
        path,
        1,
        1,
        "encoding",
        "文件以字节顺序标记（BOM）开头。请另存为“UTF-8（无 BOM）”编码，"
        "或在网页编辑器中删除第一行开头的不可见字符。",
    )


def _not_utf8(path: str, raw: bytes, exc: UnicodeDecodeError) -> Finding:
    line, col = line_col(raw[: exc.start].decode("utf-8", "replace"), exc.start)
    return Finding(
        path,
        line,
        col,
        "encoding",
        f"第 {exc.start + 1} 字节不是有效的 UTF-8 编码（可能是 GBK 等编码保存的）。"
        "请将文件另存为 UTF-8 编码后重新提交。",
    )


def invisible_in_text(path: str, text: str, limit: int = 20) -> list[Finding]:
    """Invisible characters written literally, each at its line and column."""
    findings: list[Finding] = []
    for m in INVISIBLE.finditer(text):
        line, col = line_col(text, m.start())
        findings.append(
            Finding(
                path,
                line,
                col,
                "forbidden-char",
                f"第 {line} 行第 {col} 列有不可见的{char_name(m.group())}。"
                "请删除该字符（可整行重新输入）。",
            )
        )
        if len(findings) >= limit:  # one is enough to refuse; twenty are enough to fix
            break
    m = _LONE_CR.search(text)
    if m:
        line, col = line_col(text, m.start())
        findings.append(
            Finding(
                path,
                line,
                col,
                "forbidden-char",
                "文件使用了单独的回车符（CR）换行。请使用 LF 或 CRLF 换行保存。",
            )
        )
    return findings


def check_text(path: str, raw: bytes, *, max_bytes: int) -> tuple[str | None, list[Finding]]:
    """Decode ``raw`` as UTF-8 text and refuse what no honest form contains."""
    if len(raw) > max_bytes:
        return None, [_too_large(path, len(raw), max_bytes)]
    if raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return None, [_bom(path)]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [_not_utf8(path, raw, exc)]
    findings = invisible_in_text(path, text)
    return (None if findings else text), findings


# ---------------------------------------------------------------- look-alikes

FULLWIDTH_DIGITS = re.compile("[\uff10-\uff19]")
# A value that is a number, a date or a telephone number once its full-width
# digits are read as digits.
_NUMERIC = re.compile(r"[0-9\s+\-./:()]+")
CURLY_OPEN, CURLY_CLOSE = "“‘", "”’"
# Keys are ASCII: a key followed by a full-width colon, or by ":" without a space.
_FULLWIDTH_COLON_KEY = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_]*)\s*(：)", re.MULTILINE)
_NO_SPACE_KEY = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_]*)(:)(?=[^\s:/])", re.MULTILINE)


def fullwidth_digit(value: str) -> int | None:
    """Index of the first full-width digit of a value meant as a number, date or phone."""
    m = FULLWIDTH_DIGITS.search(value)
    if m is None or not _NUMERIC.fullmatch(unicodedata.normalize("NFKC", value)):
        return None
    return m.start()


def colon_hint(path: str, text: str, upto_line: int) -> Finding | None:
    """Explain a YAML syntax error caused by a full-width colon or a missing space.

    Only the parser's error line and the two lines before it are read: the
    parser stops there or just after the mistake.
    """
    best: tuple[int, Finding] | None = None
    for rx, rule in ((_FULLWIDTH_COLON_KEY, "fullwidth-colon"), (_NO_SPACE_KEY, "colon-space")):
        for m in rx.finditer(text):
            line, col = line_col(text, m.start(3))
            if line < upto_line - 2:
                continue
            if line > upto_line:
                break
            key = m.group(2)
            if rule == "fullwidth-colon":
                message = (
                    f"第 {line} 行第 {col} 列的“：”是中文全角冒号。字段名后应使用英文冒号“:”"
                    f"并空一格，例如“{key}: …”。"
                )
            else:
                message = (
                    f"第 {line} 行第 {col} 列的英文冒号“:”后缺少空格。请写成“{key}: …”"
                    "（冒号后空一格）。"
                )
            if best is None or m.start(3) < best[0]:
                best = (m.start(3), Finding(path, line, col, rule, message))
            break
    return best[1] if best else None
