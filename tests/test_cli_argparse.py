"""argparse's own texts (usage, group titles, -h, usage errors) are Chinese, and its
English catalogue is not left changed after a run."""

from __future__ import annotations

import argparse
import re

import pytest

from cebase.cli import ARGPARSE_ZH, EXIT_FAILURE

ENGLISH = re.compile(
    r"usage:|positional arguments|options:|show this|error:|argument|invalid|expected|required"
)


@pytest.mark.parametrize(
    "argv", [["--help"], ["validate", "--help"], ["form", "--help"], ["new", "-h"]]
)
def test_help_is_chinese(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    from cebase.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：cebase")
    assert "选项" in out and "显示本帮助并退出" in out
    assert not ENGLISH.search(out), out
    if argv == ["--help"]:
        assert "位置参数" in out and "显示版本号并退出" in out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["new", "foo", "--code", "x", "--cycle", "2026"], "“foo”不是可选值"),
        (["form"], "缺少必需的参数：PATH, -o/--output"),
        (["status", "--bogus"], "不认识的参数：--bogus"),
        (["form", "x", "-o"], "参数 -o/--output：需要一个值"),
        (["validate", "--now", "2025/1/1"], "日期“2025/1/1”应写成 YYYY-MM-DD"),
        (["nosuch"], "“nosuch”不是可选值"),
    ],
)
def test_usage_errors_are_chinese(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    from cebase.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == EXIT_FAILURE
    err = capsys.readouterr().err
    assert expected in err
    assert err.startswith("用法：cebase")
    assert not ENGLISH.search(err.replace("--", "")), err


def test_catalogue_is_restored() -> None:
    from cebase.cli import main

    with pytest.raises(SystemExit):
        main(["--help"])
    assert argparse._("usage: ") == "usage: "  # type: ignore[attr-defined]
    assert all(isinstance(v, str) for v in ARGPARSE_ZH.values())
