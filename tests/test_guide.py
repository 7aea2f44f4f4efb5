"""The web-only path states one rule everywhere: who becomes a folder's maintainer, and where
a personal mobile number goes (the guide, the pull-request templates, the gate's message)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO

GUIDE = REPO / "docs/guide/web-editor.md"
TEMPLATES = [
    REPO / ".github/pull_request_template.md",
    REPO / ".github/PULL_REQUEST_TEMPLATE/new-application.md",
    REPO / ".github/PULL_REQUEST_TEMPLATE/self-inspection.md",
]
TEXTS = [GUIDE, REPO / "docs/guide/index.md", REPO / "docs/forms/index.md", *TEMPLATES]


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_no_text_forbids_the_required_mobile(path) -> None:
    text = path.read_text("utf-8")
    # "enter no personal mobile anywhere" contradicts the required contact.mobile
    assert not re.search(r"(请勿|不要|勿)[^。\n]*(任何文件|文件中)[^。\n]*个人手机", text)
    assert "个人手机号码等个人信息" not in text
    if "手机" in text and path in (GUIDE, *TEMPLATES):
        assert "contact.mobile" in text


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_no_text_asks_for_registration_before_the_first_submission(path) -> None:
    text = path.read_text("utf-8")
    assert "新申报单位请先联系市人社局" not in text
    assert not re.search(r"请确认市人社局已把您的账号登记", text)


def test_first_submitter_becomes_maintainer_everywhere() -> None:
    gate = (REPO / "scripts/cebase/gate/scope.py").read_text("utf-8")
    assert "首次提交的账号即为本单位的维护账号" in gate
    for path in (GUIDE, REPO / "docs/guide/index.md", TEMPLATES[1]):
        assert re.search(
            r"第一次提交所用的账号(，就是|即为)本单位的维护账号", path.read_text("utf-8")
        ), path


def test_guide_shows_our_own_pages() -> None:
    text = GUIDE.read_text("utf-8")
    images = re.findall(r"!\[[^\]]+\]\((images/[^)]+)\)", text)
    assert len(images) >= 4
    for image in images:
        assert (GUIDE.parent / image).is_file(), image
