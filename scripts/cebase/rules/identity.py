"""Who the institution is: the USCC and the folder it lives in."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from ..findings import Finding
from ..idcodes import uscc_problem
from ..registry import Record
from . import Context, at, rule

# What a reader cannot tell apart: format characters (zero-width, bidi, BOM),
# controls, variation selectors, fillers and every kind of space.
_INVISIBLE = re.compile(
    "[\\s\x00-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb"
    "\U000e0000-\U000e0fff]"
)


def name_key(name: str) -> str:
    """An institution's name as compared for sameness: NFKC, invisible characters removed, casefolded.

    "示例大学", "示例\u200b大学" and "示例大学" written with full-width letters are
    one name; a character outside the basic plane (𠀀) is kept as it is.
    """
    text = unicodedata.normalize("NFKC", name)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return _INVISIBLE.sub("", text).casefold()


USCC_PROBLEMS = {
    "length": "应为 18 位",
    "charset": "含有不允许的字符（只能是数字和除 I、O、S、V、Z 外的大写字母，第 3–8 位为行政区划代码数字）",
    "org_check": "第 9–17 位组织机构代码的校验码不正确（GB 11714）",
    "check": "第 18 位校验码不正确（GB 32100-2015）",
}


def uscc_message(code: str, problem: str) -> str:
    return (
        f"统一社会信用代码“{code}”{USCC_PROBLEMS[problem]}。请对照营业执照或法人登记证书逐位核对。"
    )


@rule("uscc", "institution", "cycle")
def check_uscc(rec: Record, ctx: Context) -> Iterator[Finding]:
    """Every USCC carries correct check characters (GB 32100-2015, GB 11714)."""
    data = rec.data
    if rec.kind == "institution":
        places = [(("uscc",), data["uscc"])]
    else:
        places = [
            ((section, i, "uscc"), item["uscc"])
            for section in ("incumbents", "extensions")
            for i, item in enumerate(data.get(section, []))
        ]
    for path, code in places:
        problem = uscc_problem(code)
        if problem:
            yield at(rec, path, "uscc", uscc_message(code, problem))


@rule("folder-uscc", "institution")
def folder_matches_uscc(rec: Record, ctx: Context) -> Iterator[Finding]:
    """The institution's folder is named by the USCC in its institution.yaml."""
    folder = rec.relpath.split("/")[1]
    code = rec.data["uscc"]
    if folder != code:
        yield at(
            rec,
            ("uscc",),
            "folder-uscc",
            f"文件夹名“{folder}”与 uscc 字段“{code}”不一致。单位文件夹必须以本单位的统一社会信用代码命名；"
            "请修改文件夹名或更正 uscc。",
        )
