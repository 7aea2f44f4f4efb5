"""Public contact details: telephone numbers and web addresses."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import phonenumbers
from phonenumbers import PhoneNumberType

from ..findings import Finding
from ..registry import Record
from . import Context, at, rule

# Keys whose values are telephone numbers, and what kind each must be.
PHONE_KEYS = {"office_phone": "any", "phone": "any", "mobile": "mobile"}
URL_KEYS = frozenset({"url", "website"})
_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


def phone_problem(text: str, kind: str) -> str | None:
    """Why ``text`` is not a usable Chinese telephone number; None if it is."""
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return "无法识别为电话号码"
    if not phonenumbers.is_valid_number(number):
        return "不是有效的电话号码（请检查区号和位数）"
    if kind == "mobile" and phonenumbers.number_type(number) not in _MOBILE_TYPES:
        return "不是手机号码"
    return None


@rule("phone", "institution", "cycle")
def check_phones(rec: Record, ctx: Context) -> Iterator[Finding]:
    """Telephone numbers are valid (libphonenumber), mobiles are mobiles."""
    for path, value in rec.scalars:
        key = next((p for p in reversed(path) if isinstance(p, str)), "")
        kind = PHONE_KEYS.get(key) if path and path[-1] == key else None
        if kind and isinstance(value, str):
            problem = phone_problem(value, kind)
            if problem:
                shown = "（已隐去）" if kind == "mobile" else f"“{value}”"
                yield at(
                    rec,
                    path,
                    "phone",
                    f"电话号码{shown}{problem}。固定电话写成“0991-1234567”，手机写 11 位号码。",
                )


def url_problem(text: str) -> str | None:
    parts = urlsplit(text)
    if parts.scheme != "https":
        return "必须以 https:// 开头（出于安全要求，不接受 http 或其他协议）"
    if not parts.hostname or "." not in parts.hostname:
        return "缺少有效的域名"
    if parts.username or parts.password:
        return "不能包含用户名或密码"
    return None


@rule("https-url", "institution", "application", "cycle")
def check_urls(rec: Record, ctx: Context) -> Iterator[Finding]:
    """Web addresses use https and name a host."""
    for path, value in rec.scalars:
        if path and path[-1] in URL_KEYS and isinstance(value, str):
            problem = url_problem(value)
            if problem:
                yield at(rec, path, "https-url", f"网址“{value}”{problem}。")
