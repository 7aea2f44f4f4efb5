"""Public contact details: telephone numbers and web addresses."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from urllib.parse import urlsplit

import phonenumbers
from phonenumbers import PhoneNumberType

from ..findings import Finding, field_path
from ..idcodes import MOBILE_RE
from ..registry import Record
from ..schemas import subschema
from . import Context, at, leaf_path, rule, strings

# Keys whose values are telephone numbers, and what kind each must be. Office
# numbers are published, so they must not be someone's mobile.
PHONE_KEYS = {"office_phone": "office", "phone": "office", "mobile": "mobile"}
URL_KEYS = frozenset({"url", "website"})
_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
_INDEX = -1  # stands for any list index in a field's shape


# Parsing is the slow part of the phone rules and the same numbers recur
# (a bureau's office number, an institution's own numbers in several files).
@functools.lru_cache(maxsize=4096)
def phone_problem(text: str, kind: str) -> str | None:
    """Why ``text`` is not a usable Chinese telephone number; None if it is."""
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return "无法识别为电话号码"
    if not phonenumbers.is_valid_number(number):
        return "不是有效的电话号码（请检查区号和位数）"
    kind_of = phonenumbers.number_type(number)
    if kind == "mobile" and kind_of not in _MOBILE_TYPES:
        return "不是手机号码"
    if kind == "office" and kind_of == PhoneNumberType.MOBILE:
        return "是手机号码；办公电话会在网站上公开，请填写单位的固定电话（个人手机号请填在不公开的 contact.mobile 中）"
    return None


@rule("phone", "institution", "cycle")
def check_phones(rec: Record, ctx: Context) -> Iterator[Finding]:
    """Telephone numbers are valid (libphonenumber), mobiles are mobiles."""
    for parent, key, value in strings(rec, ctx):
        kind = PHONE_KEYS.get(key) if isinstance(key, str) else None
        if kind:
            problem = phone_problem(value, kind)
            if problem:
                path = leaf_path(parent, key)
                shown = (
                    "（已隐去）"
                    if kind == "mobile" or problem.startswith("是手机")
                    else f"“{value}”"
                )
                yield at(
                    rec,
                    path,
                    "phone",
                    f"电话号码{shown}{problem}。固定电话写成“0991-1234567”，手机写 11 位号码。",
                )


@functools.lru_cache(maxsize=4096)  # an institution's site recurs in its records
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
    for parent, key, value in strings(rec, ctx):
        if key in URL_KEYS:
            problem = url_problem(value)
            if problem:
                yield at(rec, leaf_path(parent, key), "https-url", f"网址“{value}”{problem}。")


@functools.lru_cache(maxsize=1024)  # by field shape: list indices do not matter
def _public(kind: str, path: tuple[str | int, ...]) -> bool:
    """Is the value at ``path`` published (every schema node on the way marked x-public)?"""
    return all(
        (node := subschema(kind, path[:i])) is not None and node.get("x-public") is True
        for i in range(1, len(path) + 1)
        if not isinstance(path[i - 1], int)
    )


@rule("public-mobile", "institution", "application", "assessment", "review")
def check_public_mobiles(rec: Record, ctx: Context) -> Iterator[Finding]:
    """No mobile number in a field that is published (x-public), whatever the field."""
    for parent, key, value in strings(rec, ctx):
        if not MOBILE_RE.search(value):
            continue
        if key in PHONE_KEYS:
            continue  # the phone rule speaks about phone fields
        numbers = [m.group(0) for m in MOBILE_RE.finditer(value)]
        if not any(phone_problem(n, "mobile") is None for n in numbers):
            continue
        path = leaf_path(parent, key)
        # Whether a place is published depends on its field, not on its list indices.
        shape = tuple(_INDEX if isinstance(p, int) else p for p in path)
        if _public(rec.kind, shape):
            yield at(
                rec,
                path,
                "public-mobile",
                f"字段“{field_path(path)}”会在网站上公开，其中含有手机号码。请删除手机号码"
                "（个人联系方式请填在不公开的 contact.mobile 中）。",
            )
