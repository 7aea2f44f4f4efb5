"""Public notices: one per 公示 batch or decision date, never ahead of the date, the same on later builds."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from cebase.model import Publicity
from cebase.registry import scan
from cebase.site.collect import PUBLIC_LABEL_PROPOSED, PUBLIC_LABEL_RECTIFY
from cebase.status import NoticeKind, evaluate, notices
from tests.conftest import EXAMPLES, FIXTURES
from tests.site_helpers import site_texts

pytestmark = pytest.mark.slow

D = date.fromisoformat
FIRST, MONTH_LATER = "2025-12-22", "2026-01-22"
FORFEIT = "91650107DEM0Q0155H"  # revoked for not filing, by a review dated 2025-12-26
FORFEIT_DAY = "2025-12-26"


def _build(root: Path, now: str, out: Path) -> Path:
    from cebase.cli import main

    assert main(["build", "--root", str(root), "--now", now, "-o", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo plus a revocation recorded for 2025-12-26, built on three dates."""
    base = tmp_path_factory.mktemp("notices")
    root = base / "registry"
    shutil.copytree(EXAMPLES, root)
    review = f"submissions/{FORFEIT}/2026/review.yaml"
    (root / review).parent.mkdir()
    shutil.copy(FIXTURES / "status" / "forfeit-declared" / review, root / review)
    return {now: _build(root, now, base / now) for now in (FIRST, MONTH_LATER, "2025-12-27")}


def _notices_json(site: Path) -> list[dict]:
    return json.loads((site / "data" / "notices.json").read_text("utf-8"))["notices"]


def test_three_publicity_batches_make_three_notices() -> None:
    batches = notices(evaluate(scan(EXAMPLES), D(FIRST)), D(FIRST))
    proposed = sorted(
        (b.id, b.date, b.publicity, [i.uscc for i in b.items])
        for b in batches
        if b.kind == NoticeKind.PROPOSED
    )
    assert proposed == [
        (
            "2026-20251201-proposed",
            "2025-12-01",
            Publicity("2025-12-01", "2025-12-05", 5),
            ["52650102DEM0G00709"],
        ),
        (
            "2026-20251208-proposed",
            "2025-12-08",
            Publicity("2025-12-08", "2025-12-12", 5),
            ["51650105DEM0F0067L"],
        ),
        (
            "2026-20251218-proposed",
            "2025-12-18",
            Publicity("2025-12-18", "2025-12-24", 5),
            ["91650106DEM0E0053R"],
        ),
    ]


def test_bases_starting_the_same_day_share_one_notice(tmp_path: Path) -> None:
    root = tmp_path / "reg"
    shutil.copytree(EXAMPLES, root)
    review = root / "submissions" / "91650106DEM0E0053R" / "2026" / "review.yaml"
    text = review.read_text("utf-8").replace("date: 2025-12-16", "date: 2025-12-05")
    review.write_text(text.replace("start: 2025-12-18", "start: 2025-12-08"), "utf-8")
    batches = notices(evaluate(scan(root), D(FIRST)), D(FIRST))
    proposed = {b.id: [i.uscc for i in b.items] for b in batches if b.kind == NoticeKind.PROPOSED}
    assert proposed == {
        "2026-20251201-proposed": ["52650102DEM0G00709"],
        "2026-20251208-proposed": ["51650105DEM0F0067L", "91650106DEM0E0053R"],
    }


def test_a_notice_is_not_shown_before_its_day() -> None:
    statuses = evaluate(scan(EXAMPLES), D("2025-12-17"))
    ids = {b.id for b in notices(statuses, D("2025-12-17"))}
    assert "2026-20251218-proposed" not in ids and "2026-20251217-revoked" in ids
    assert not {b.id for b in notices(evaluate(scan(EXAMPLES), D("2025-11-01")), D("2025-11-01"))}


def test_notice_pages_read_the_same_a_month_later(sites: dict[str, Path]) -> None:
    first, later = sites[FIRST], sites[MONTH_LATER]
    closed = [
        n for n in _notices_json(first) if (n["publicity"] or {}).get("end", n["date"]) < FIRST
    ]
    assert len(closed) >= 5
    for n in closed:
        page = f"notices/{n['id']}.html"
        assert (first / page).read_bytes() == (later / page).read_bytes(), page
    later_ids = {n["id"] for n in _notices_json(later)}
    assert {n["id"] for n in _notices_json(first)} < later_ids  # the forfeit notice came later


def test_a_record_dated_after_the_date_appears_nowhere(sites: dict[str, Path]) -> None:
    before, after = sites[FIRST], sites["2025-12-27"]
    for f, text in site_texts(before):
        assert FORFEIT_DAY not in text and "2025年12月26日" not in text, f
    revoked = [n for n in _notices_json(before) if n["kind"] == "revoked"]
    assert FORFEIT not in {e["uscc"] for n in revoked for e in n["entries"]}
    # the same registry built after that day publishes it, with the notice's reason
    later = {n["id"]: n for n in _notices_json(after)}
    notice = later["2026-20251226-revoked"]
    assert [(e["uscc"], e["reason"]) for e in notice["entries"]] == [
        (FORFEIT, "逾期未报送自查材料（视为自动放弃）")
    ]


def test_revocations_state_their_reasons(sites: dict[str, Path]) -> None:
    reasons = {
        (n["date"], e["uscc"]): e["reason"]
        for n in _notices_json(sites["2025-12-27"])
        if n["kind"] == "revoked"
        for e in n["entries"]
    }
    assert reasons == {
        ("2025-11-28", "52650106DEM0R01699"): "一票否决（乱收费）",
        ("2025-12-17", "91650105DEM0P0141F"): "限期整改后复查仍不合格",
        (FORFEIT_DAY, FORFEIT): "逾期未报送自查材料（视为自动放弃）",
    }
    page = (sites["2025-12-27"] / "notices" / "2026-20251128-revoked.html").read_text("utf-8")
    assert "一票否决（乱收费）" in page


def test_notices_json_carries_windows_and_reasons(sites: dict[str, Path]) -> None:
    for n in _notices_json(sites[FIRST]):
        if n["kind"] == "proposed":
            assert n["publicity"]["start"] == n["date"] <= n["publicity"]["end"]
        else:
            assert n["publicity"] is None
        assert all("reason" in e for e in n["entries"])
        if n["kind"] == "revoked":
            assert all(e["reason"] for e in n["entries"])


def test_running_publicity_and_rectification_are_deadlines(sites: dict[str, Path]) -> None:
    site = sites[FIRST]
    home = (site / "index.html").read_text("utf-8")
    assert "近期没有截止日期" not in home
    assert "2025-12-24" in home and "公示期结束" in home  # the 公示 running on the date
    assert "2026-01-30" in home and "限期整改期限" in home  # 91650104's rectification
    ics = (site / "data" / "deadlines.ics").read_text("utf-8")
    assert "DTSTART;VALUE=DATE:20251224" in ics and "DTSTART;VALUE=DATE:20260130" in ics


def test_status_and_site_agree_on_every_base(sites: dict[str, Path]) -> None:
    site = sites[FIRST]
    statuses = evaluate(scan(site.parent / "registry"), D(FIRST))
    listed = {
        b["uscc"]: b for b in json.loads((site / "data" / "bases.json").read_text("utf-8"))["bases"]
    }
    for uscc, st in statuses.items():
        if uscc not in listed:
            assert not st.certified and st.rule != "status-publicity-running", uscc
            continue
        b = listed[uscc]
        if st.rule == "status-publicity-running":
            assert b["status"] == PUBLIC_LABEL_PROPOSED
        elif b["status"] == PUBLIC_LABEL_RECTIFY:
            assert st.grade == PUBLIC_LABEL_RECTIFY and st.certified
        else:
            assert st.certified, uscc
        assert (b["grade"] or None, b["valid_until"] or None) == (st.grade, st.valid_until)
    for n in _notices_json(site):
        for e in n["entries"]:
            dated = {h.date for h in statuses[e["uscc"]].history}
            pub = statuses[e["uscc"]].publicity
            assert n["date"] in dated or (pub is not None and pub.start == n["date"]), e
