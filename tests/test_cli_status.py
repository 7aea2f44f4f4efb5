"""``cebase status``: the reviewers' queue, in text, JSON and Markdown."""

from __future__ import annotations

import json

from .conftest import DEMO_DATE, EXAMPLES, FIXTURES


def test_json_lists_every_base_with_record_and_rule(run_cli) -> None:
    code, out, err = run_cli(
        "status", "--root", str(EXAMPLES), "--now", DEMO_DATE, "--format", "json"
    )
    assert (code, err) == (0, "")
    body = json.loads(out)
    assert body["date"] == DEMO_DATE and body["count"] == len(body["bases"]) == 17
    for base in body["bases"]:
        assert base["decided_by"] and (EXAMPLES / base["decided_by"]).is_file()
        assert base["rule"].startswith("status-")
    first = body["bases"][0]
    assert (first["uscc"], first["status"], first["rule"]) == (
        "91650107DEM0Q0155H",
        "逾期未报",
        "status-overdue",
    )
    assert first["deadlines"] == [{"what": "年度自查截止", "date": "2025-11-07", "overdue": True}]
    order = [b["needs_action"] for b in body["bases"]]
    assert order == sorted(order)
    scores = {b["uscc"]: b["score"] for b in body["bases"]}
    assert scores["12650105DEM0J0093K"] == "95.32"  # Decimal as text, never a float


def test_text_names_record_and_rule_for_every_row(run_cli) -> None:
    code, out, _ = run_cli("status", "--root", str(EXAMPLES), "--now", DEMO_DATE)
    assert code == 0
    assert out.startswith(f"继续教育基地评审队列（{DEMO_DATE}，全部，共 17 个单位")
    rows = [line for line in out.splitlines() if line[:3].strip().rstrip(".").isdigit()]
    basis = [line for line in out.splitlines() if line.strip().startswith("依据：")]
    assert len(rows) == len(basis) == 17
    assert "    依据：cycles/2026/cycle.yaml [status-overdue]" in out
    assert "[拟认定] 91650106DEM0E0053R" in out and "公示期 2025-12-18 至 2025-12-24" in out


def test_markdown_table(run_cli) -> None:
    code, out, _ = run_cli(
        "status", "--root", str(EXAMPLES), "--now", DEMO_DATE, "--format", "markdown"
    )
    assert code == 0
    table = [
        line for line in out.splitlines() if line.startswith("| ") and not line.startswith("| 序号")
    ]
    assert len(table) == 17
    assert all(
        "`status-" in line and ("`submissions/" in line or "`cycles/" in line) for line in table
    )


def test_the_date_changes_the_queue(run_cli) -> None:
    _, before, _ = run_cli(
        "status", "--root", str(EXAMPLES), "--now", "2025-11-06", "--format", "json"
    )
    statuses = {b["uscc"]: b["status"] for b in json.loads(before)["bases"]}
    assert statuses["91650107DEM0Q0155H"] == "待自查"
    assert statuses["91650106DEM0E0053R"] == "已提交"


def test_cycle_filter(run_cli) -> None:
    code, out, _ = run_cli(
        "status",
        "--root",
        str(EXAMPLES),
        "--now",
        "2025-11-01",
        "--cycle",
        "2026",
        "--format",
        "json",
    )
    body = json.loads(out)
    # before the notice only incumbents have a status, and it belongs to the cycle that lists them
    assert code == 0 and body["count"] == 9
    code, _, err = run_cli("status", "--root", str(EXAMPLES), "--cycle", "26")
    assert code == 2 and "四位数字" in err


def test_calendar_warning_is_shown(run_cli) -> None:
    root = FIXTURES / "status" / "calendar-fallback"
    code, out, _ = run_cli("status", "--root", str(root), "--now", "2040-01-10")
    assert code == 0 and "警告：" in out and "2040" in out


def test_queue_shows_how_long_each_item_has_waited(run_cli) -> None:
    _, out, _ = run_cli("status", "--root", str(EXAMPLES), "--now", DEMO_DATE, "--format", "json")
    rows = {b["uscc"]: b for b in json.loads(out)["bases"]}
    overdue = rows["52650103DEM0M0129T"]  # rectification deadline 2025-12-15 passed
    assert (overdue["since"], overdue["waited"]) == ("2025-12-16", 4)  # 17, 18, 19, 22
    assert rows["12650105DEM0J0093K"]["waited"] is None  # settled: nothing to wait for
    _, text, _ = run_cli("status", "--root", str(EXAMPLES), "--now", DEMO_DATE)
    assert "    已等待：4 个工作日（自 2025-12-16）" in text
    _, md, _ = run_cli(
        "status", "--root", str(EXAMPLES), "--now", DEMO_DATE, "--format", "markdown"
    )
    assert "| 已等待 |" in md and "4 个工作日（自 2025-12-16）" in md
