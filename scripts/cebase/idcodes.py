"""Check characters of Chinese identification codes.

GB 32100-2015 (unified social credit code, USCC), GB 11714-1997 (organisation
code, embedded in the USCC at positions 9-17) and GB 11643-1999 (citizen ID
number). Pure functions: no I/O, no messages; the rules turn them into findings.
"""

from __future__ import annotations

import re

# GB 32100-2015 alphabet: digits and capitals without I, O, S, V, Z.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_RE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# 18-digit citizen ID: area, birth date 18xx-20xx, sequence, check character.
CITIZEN_ID_RE = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"
)


def uscc_check_char(first17: str) -> str:
    """The 18th character of a USCC whose first 17 characters are given."""
    total = sum(_USCC_VALUE[ch] * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(body8: str) -> str:
    """The 9th character of a GB 11714 organisation code (digits and capitals)."""
    total = sum(int(ch, 36) * w for ch, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def uscc_problem(code: str) -> str | None:
    """Why ``code`` is not a valid USCC, as a key of USCC_PROBLEMS; None if valid."""
    if len(code) != 18:
        return "length"
    if not USCC_RE.fullmatch(code):
        return "charset"
    if org_code_check_char(code[8:16]) != code[16]:
        return "org_check"
    if uscc_check_char(code[:17]) != code[17]:
        return "check"
    return None


def make_uscc(prefix2: str, division: str, org_body8: str) -> str:
    """Build a valid USCC from its parts (used by the generators and tests)."""
    first17 = prefix2 + division + org_body8 + org_code_check_char(org_body8)
    return first17 + uscc_check_char(first17)


def citizen_id_valid(number: str) -> bool:
    """True if an 18-character string carries a correct GB 11643 check character."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def find_citizen_ids(text: str) -> list[str]:
    """Every valid citizen ID number inside ``text`` (pattern and check digit)."""
    return [m.group(0) for m in CITIZEN_ID_RE.finditer(text) if citizen_id_valid(m.group(0))]


def redact_ids(text: str) -> str:
    """``text`` with every valid citizen ID number replaced by a mask."""
    return CITIZEN_ID_RE.sub(
        lambda m: "（身份证号已隐去）" if citizen_id_valid(m.group(0)) else m.group(0), text
    )


# A mainland mobile number, also written with spaces or hyphens (139 9901 6592).
MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?!\d)")


def redact(text: str) -> str:
    """Mask citizen ID numbers and mobile numbers before a message repeats a value."""
    return MOBILE_RE.sub(r"\1****\3", redact_ids(text))
