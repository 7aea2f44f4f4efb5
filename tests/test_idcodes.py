"""Check characters of USCCs (GB 32100-2015, GB 11714) and citizen IDs (GB 11643)."""

from __future__ import annotations

import pytest

from cebase.idcodes import citizen_id_valid, find_citizen_ids, make_uscc, uscc_problem


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # the example printed in GB 32100-2015's explanatory material
        make_uscc("12", "650102", "45760001"),
        make_uscc("51", "650121", "MA7HJK2X"),
        make_uscc("91", "650109", "DEM0D004"),
    ],
)
def test_valid_uscc(code: str) -> None:
    assert uscc_problem(code) is None


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y433", "length"),
        ("91350100M000100Y4I", "charset"),  # I is not in the alphabet
        ("9135010OM000100Y43", "charset"),  # the division code is digits
        ("91350100M000100Y44", "check"),
        ("91350100M000101Y43", "org_check"),
        ("913501001000100Y43".lower(), "charset"),
    ],
)
def test_invalid_uscc(code: str, problem: str) -> None:
    assert uscc_problem(code) == problem


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("11010519491231002X", True),  # GB 11643's own example
        ("650102198001011234", True),
        ("650102198001011235", False),
        ("11010519491231002", False),
    ],
)
def test_citizen_id(number: str, valid: bool) -> None:
    assert citizen_id_valid(number) is valid


def test_find_citizen_ids_only_with_check_digit_and_boundaries() -> None:
    text = "联系人650102198001011234，电话09914656129，订单号1650102198001011234，错号650102198001011235"
    assert find_citizen_ids(text) == ["650102198001011234"]
