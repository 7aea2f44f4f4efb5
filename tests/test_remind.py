"""``cebase remind``: what each institution owes, by when, and mentions made once.

Expected values are derived from the status engine, the cycle file and the
institution files of the demo, never copied from the output under test.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from cebase import remind as rm
from cebase import tracking as tr
from cebase import vocab
from cebase.model import Status
from cebase.registry import scan
from cebase.status import evaluate
from cebase.workdays import WorkCalendar

from .conftest import DEMO_DATE, EXAMPLES, FIXTURES

CYCLE = "2026"
OPENED = "2025-11-03"  # the notice's date in examples/cycles/2026/cycle.yaml
RECORDS = FIXTURES / "remind"
KIND_OF = {"self-inspection": "assessment", "application": "application"}


def at(day: str, previous: tr.Tracking | None = None, root: Path = EXAMPLES, **kw):
    reg = scan(root)
    now = date.fromisoformat(day)
    statuses = evaluate(reg, now)
    return rm.remind(statuses, reg, now, cycle=CYCLE, previous=previous, **kw), reg, statuses


def maintainers(root: Path, uscc: str) -> tuple[str, ...]:
    path = root / "submissions" / uscc / "institution.yaml"
    return tuple(yaml.safe_load(path.read_text(encoding="utf-8"))["maintainers"])


def with_status(statuses, *wanted: Status) -> set[str]:
    return {u for u, s in statuses.items() if s.status in wanted}


# ---------------------------------------------------------------- what is owed


def test_demo_lists_the_awaiting_bases_the_unsubmitted_applicants_and_the_extension() -> None:
    r, reg, statuses = at("2025-11-04")
    awaiting = with_status(statuses, Status.AWAITING_SELF_INSPECTION)
    unsubmitted = with_status(statuses, Status.NOT_FILED)
    # the issue's count: seven bases 待自查, five applicants and one with an extension
    assert (len(awaiting), len(unsubmitted)) == (7, 6)
    owed = {o.uscc: o for o in r.owed}
    assert {u for u, o in owed.items() if o.kind == "self-inspection"} == awaiting
    assert {u for u, o in owed.items() if o.kind == "application"} == unsubmitted
    assert set(owed) == awaiting | unsubmitted
    cycle = reg.cycle_data(CYCLE, "cycle")
    assert cycle is not None
    now, cal = date(2025, 11, 4), WorkCalendar()
    for o in r.owed:
        due = vocab.due(cycle, o.uscc, KIND_OF[o.kind])
        assert due is not None
        assert (o.deadline, o.extended) == (due.last_day, due.extension is not None)
        assert o.days_left == cal.count_working_days(now + timedelta(days=1), due.last_day)
        assert o.maintainers == maintainers(EXAMPLES, o.uscc) != ()
    extended = {e["uscc"] for e in cycle["extensions"] if e["kind"] == "application"}
    assert {o.uscc for o in r.owed if o.extended} == extended & unsubmitted != set()


def test_the_list_is_ordered_by_deadline() -> None:
    r, _, _ = at("2025-11-04")
    keys = [(o.deadline, o.uscc) for o in r.owed]
    assert keys == sorted(keys)


def test_a_folder_without_an_application_is_owed_once_the_notice_is_out(demo_copy: Path) -> None:
    uscc = "12650104DEM0A0019H"
    (demo_copy / "submissions" / uscc / CYCLE / "application.yaml").unlink()
    r, _, statuses = at("2025-11-04", root=demo_copy)
    assert statuses[uscc].status is Status.NOT_FILED and statuses[uscc].cycle is None
    assert [(o.kind, o.cycle) for o in r.owed if o.uscc == uscc] == [("application", CYCLE)]
    before, _, _ = at("2025-11-01", root=demo_copy)
    assert uscc not in {o.uscc for o in before.owed}


def test_after_the_deadline_nothing_is_owed_for_it() -> None:
    r, _, statuses = at("2025-11-10")
    assert {o.uscc for o in r.owed} == {
        u
        for u in with_status(statuses, Status.NOT_FILED)
        if (d := statuses[u].deadlines) and d[0].date >= "2025-11-10"
    }


def grant_extensions(root: Path, usccs: set[str], kind: str, until: str) -> None:
    path = root / "cycles" / CYCLE / "cycle.yaml"
    text = path.read_text(encoding="utf-8")
    entries = "".join(
        f'  - uscc: "{u}"\n    kind: {kind}\n    until: {until}\n    reason: 按初审意见补正（测试）。\n'
        for u in sorted(usccs)
    )
    path.write_text(text.replace("extensions:  # 示例值\n", "extensions:\n" + entries), "utf-8")


def test_returned_is_owed_while_a_deadline_runs(demo_copy: Path) -> None:
    r, _, statuses = at(DEMO_DATE, root=demo_copy)
    returned = {u for u in with_status(statuses, Status.RETURNED) if statuses[u].cycle == CYCLE}
    assert returned and not any(o.kind == "returned" for o in r.owed)  # its deadline has passed
    grant_extensions(demo_copy, returned, "application", "2026-01-09")
    r, _, _ = at(DEMO_DATE, root=demo_copy)
    again = [o for o in r.owed if o.kind == "returned"]
    assert {o.uscc for o in again} == returned
    assert all(o.deadline == date(2026, 1, 9) and o.extended for o in again)


def test_rectification_is_owed_by_the_institution() -> None:
    r, _, statuses = at(DEMO_DATE)
    kinds = {o.uscc: o.kind for o in r.owed}
    rectify = with_status(statuses, Status.RECTIFY)
    assert rectify
    assert {u for u, k in kinds.items() if k == "rectification"} == rectify
    for o in r.owed:
        if o.kind == "rectification":
            assert o.deadline == date.fromisoformat(statuses[o.uscc].deadlines[0].date)


# ---------------------------------------------------------------- the bureau


def test_bureau_sees_publicity_ends_rectification_deadlines_and_long_waits() -> None:
    r, _, statuses = at(DEMO_DATE, waiting_days=0)
    by_kind: dict[str, set[str]] = {}
    for t in r.tasks:
        by_kind.setdefault(t.kind, set()).add(t.uscc)
    in_cycle = {u: s for u, s in statuses.items() if s.cycle == CYCLE}
    assert by_kind["publicity"] == {
        u
        for u, s in in_cycle.items()
        if s.status is Status.PROPOSED and s.deadlines[0].date >= DEMO_DATE
    }
    assert by_kind["rectification"] == with_status(in_cycle, Status.RECTIFY, Status.RECTIFY_OVERDUE)
    assert by_kind["waiting"] == with_status(in_cycle, *rm.BUREAU_WAITING) != set()
    patient, _, _ = at(DEMO_DATE, waiting_days=10_000)
    assert [t for t in patient.tasks if t.kind == "waiting"] == []


def test_a_wait_is_counted_in_working_days_since_the_filing() -> None:
    r, reg, statuses = at(DEMO_DATE, waiting_days=0)
    cal, now = WorkCalendar(), date.fromisoformat(DEMO_DATE)
    submitted = [
        t for t in r.tasks if t.kind == "waiting" and statuses[t.uscc].status is Status.SUBMITTED
    ]
    assert submitted
    for t in submitted:
        record = reg.institutions[t.uscc].submissions[CYCLE].get("application")
        assert record is not None and record.data is not None
        filed = date.fromisoformat(record.data["date"])
        assert (t.day, t.days) == (filed, cal.count_working_days(filed + timedelta(days=1), now))


# ---------------------------------------------------------------- mentions


def test_mentions_at_opening_then_3_and_1_working_days_before() -> None:
    tracking, made = None, {}
    for day in ("2025-11-03", "2025-11-04", "2025-11-05", "2025-11-06"):
        r, _, _ = at(day, tracking)
        made[day] = {m.uscc: m.marks for m in r.mentions}
        left = {o.uscc: o for o in r.owed}
        tracking = r.tracking
        if day == OPENED:
            assert set(made[day]) == set(left)
            assert all(marks == (f"{left[u].kind}:opened",) for u, marks in made[day].items())
            continue
        due = {u for u, o in left.items() if o.days_left in rm.MILESTONES}
        assert set(made[day]) == due, day
        for u in due:
            o = left[u]
            assert made[day][u] == (f"{o.kind}:{o.days_left}:{o.deadline}",)
    assert made["2025-11-05"] == {}  # 2 working days left: no mention
    # at 2025-11-06 one working day is left before 2025-11-07: those mentions are due
    one_left = {u for u, marks in made["2025-11-06"].items() if marks[0].endswith(":1:2025-11-07")}
    assert one_left == set(made["2025-11-06"]) != set()


def test_a_first_run_late_makes_one_mention_covering_every_milestone() -> None:
    r, _, _ = at("2025-11-06")
    for m in r.mentions:
        o = m.item
        marks = [f"{o.kind}:opened"]
        marks += [f"{o.kind}:{n}:{o.deadline}" for n in rm.MILESTONES if o.days_left <= n]
        assert m.marks == tuple(marks)
    assert len({m.uscc for m in r.mentions}) == len(r.mentions) == len(r.owed)


def test_running_twice_on_the_same_day_mentions_no_one_the_second_time() -> None:
    first, _, _ = at("2025-11-06")
    assert first.mentions
    second, _, _ = at("2025-11-06", first.tracking)
    assert second.mentions == []
    assert second.tracking.mentioned == first.tracking.mentioned


def test_the_record_read_back_from_the_body_remembers_the_mentions() -> None:
    first, _, _ = at("2025-11-04")
    back = tr.read_tracking(tr.write_tracking(first.tracking), CYCLE)
    assert back == first.tracking
    assert back.reminded(first.owed[0].uscc) == ["2025-11-04"]


def test_an_earlier_mention_is_kept_and_not_repeated() -> None:
    previous = tr.read_tracking((RECORDS / "mentioned-at-opening.md").read_text("utf-8"), CYCLE)
    r, _, _ = at("2025-11-04", previous)
    kunlun = next(m for m in r.mentions if m.uscc == "12650105DEM0J0093K")
    assert kunlun.marks == ("self-inspection:3:2025-11-07",)
    assert r.tracking.reminded("12650105DEM0J0093K") == [OPENED, "2025-11-04"]


def test_an_extension_brings_its_own_reminders_but_no_second_opening(demo_copy: Path) -> None:
    first, _, _ = at("2025-11-06", root=demo_copy)
    awaiting = {o.uscc for o in first.owed if o.kind == "self-inspection"}
    grant_extensions(demo_copy, awaiting, "assessment", "2025-11-14")
    later, _, _ = at("2025-11-11", first.tracking, root=demo_copy)
    marks = {m.uscc: m.marks for m in later.mentions}
    still = {o.uscc for o in later.owed if o.kind == "self-inspection"}  # the others filed by now
    assert awaiting >= still != set()
    assert all(marks[u] == ("self-inspection:3:2025-11-14",) for u in still)


# ---------------------------------------------------------------- the command


def test_a_long_list_fits_github_limits_and_keeps_the_record_whole() -> None:
    from cebase.cli.remind import body, comments

    r, reg, _ = at("2025-11-04")
    whole = body(r, reg, None)
    limit = len(whole) - 600  # about four rows too long
    short = body(r, reg, limit=limit)
    assert len(short) <= limit < len(whole) == len(body(r, reg))
    rows = [line for line in short.splitlines() if line.startswith("| 2025")]
    assert rows == [line for line in whole.splitlines() if line.startswith("| 2025")][: len(rows)]
    assert f"另有 {len(r.owed) - len(rows)} 项未列出" in short and rows
    assert tr.read_tracking(short, CYCLE) == r.tracking == tr.read_tracking(whole, CYCLE)
    parts = comments(r, limit=600)
    assert len(parts) > 1 and all(len(p) <= 600 for p in parts)
    assert set().union(*map(set, (re.findall(r"@([\w-]+)", p) for p in parts))) == {
        x for m in r.mentions for x in m.logins
    }


def remind_json(run_cli, *extra: str, root: Path = EXAMPLES) -> dict:
    code, out, err = run_cli("remind", "--root", str(root), "--format", "json", *extra)
    assert (code, err) == (0, ""), err
    return json.loads(out)


def test_cli_twice_through_the_issue_body(run_cli, tmp_path: Path) -> None:
    body = tmp_path / "body.md"
    first = remind_json(run_cli, "--now", "2025-11-06")
    (comment,) = first["comments"]
    assert first["mentions"] and comment.count("@") >= len(first["mentions"])
    body.write_text(first["body"], encoding="utf-8")
    second = remind_json(run_cli, "--now", "2025-11-06", "--record", str(body))
    assert (second["mentions"], second["comments"]) == ([], [])
    assert second["body"] == first["body"] and second["record"] == first["record"]
    code, markdown, _ = run_cli(
        "remind",
        "--root",
        str(EXAMPLES),
        "--now",
        "2025-11-06",
        "--format",
        "markdown",
        "--record",
        str(body),
    )
    assert code == 0 and markdown == first["body"]


def test_cli_markdown_names_each_deadline_and_maintainer_without_mentioning(run_cli) -> None:
    data = remind_json(run_cli, "--now", "2025-11-04")
    body = data["body"]
    assert data["count"] == len(data["owed"]) + len(data["tasks"])
    for o in data["owed"]:
        row = next(
            line for line in body.splitlines() if o["uscc"] in line and line.startswith("| ")
        )
        assert row.startswith(f"| {o['deadline']}")
        assert all(f"`{x}`" in row for x in o["maintainers"])
    assert "@" not in body  # the body mentions no one; only the day's comment does
    assert body.rstrip().endswith("-->") and "<!-- cebase-remind z:" in body


def test_cli_shows_nothing_personal_beyond_logins(run_cli) -> None:
    out = json.dumps(remind_json(run_cli, "--now", "2025-11-04"), ensure_ascii=False)
    for path in (EXAMPLES / "submissions").glob("*/institution.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for value in (data.get("contact") or {}).values():
            assert str(value) not in out, (path, value)
        assert data["legal_representative"] not in out


def test_cli_escapes_names_in_markdown(run_cli, demo_copy: Path) -> None:
    path = demo_copy / "submissions" / "91650107DEM0Q0155H" / "institution.yaml"
    data = path.read_text(encoding="utf-8")
    name = yaml.safe_load(data)["name"]
    path.write_text(data.replace(name, "<img src=x onerror=alert(1)>|**粗体**"), encoding="utf-8")
    data = remind_json(run_cli, "--now", "2025-11-04", root=demo_copy)
    assert "<img" not in data["body"] and "&lt;img" in data["body"]
    assert "<img" not in "".join(data["comments"])


def test_cli_text_and_nothing_due(run_cli) -> None:
    code, out, _ = run_cli("remind", "--root", str(EXAMPLES), "--now", "2025-11-04")
    assert code == 0 and out.startswith(f"{CYCLE} 年度待办提醒（2025-11-04）")
    late = remind_json(run_cli, "--now", "2029-01-01", "--waiting-days", "100000")
    assert late["count"] == 0 and late["comments"] == []
    assert "本议题将自动关闭" in late["body"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--now", "2025-11-04", "--cycle", "2031"], "cycles/2031/cycle.yaml"),
        (["--now", "2024-01-01"], "没有已发布的年度通知"),
        (["--now", "2025-11-04", "--waiting-days=-1"], "不小于 0"),
        (["--now", "2025-11-04", "--record", str(RECORDS / "broken-json.md")], "broken-json.md"),
        (["--now", "2025-11-04", "--record", str(RECORDS / "missing.md")], "无法读取"),
    ],
)
def test_cli_usage_errors_exit_2(run_cli, capsys, argv: list[str], message: str) -> None:
    try:
        code, out, err = run_cli("remind", "--root", str(EXAMPLES), *argv)
    except SystemExit as exc:  # argparse's own errors
        code, (out, err) = exc.code, capsys.readouterr()
    assert (code, out) == (2, "") and message in err


def test_status_shows_whether_and_when_each_base_was_reminded(run_cli, tmp_path: Path) -> None:
    body = tmp_path / "body.md"
    data = remind_json(run_cli, "--now", "2025-11-04")
    body.write_text(data["body"], encoding="utf-8")
    reminded = {m["uscc"] for m in data["mentions"]}
    code, out, _ = run_cli(
        "status",
        "--root",
        str(EXAMPLES),
        "--now",
        "2025-11-04",
        "--format",
        "json",
        "--record",
        str(body),
    )
    bases = json.loads(out)["bases"]
    assert code == 0 and reminded
    assert {b["uscc"] for b in bases if b["reminded"] == ["2025-11-04"]} == reminded
    assert all(b["reminded"] == [] for b in bases if b["uscc"] not in reminded)
    code, text, _ = run_cli(
        "status", "--root", str(EXAMPLES), "--now", "2025-11-04", "--record", str(body)
    )
    assert text.count("    提醒：已提醒维护账号（2025-11-04）") == len(reminded)
    assert text.count("    提醒：尚未提醒") == len(bases) - len(reminded)
    code, _, err = run_cli(
        "status", "--root", str(EXAMPLES), "--record", str(RECORDS / "two-blocks.md")
    )
    assert code == 2 and "two-blocks.md" in err
