"""The gate's pure checks over in-memory trees: scope, ownership, modes, types, deadlines, deletions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cebase import gate, layout
from cebase.findings import Finding
from cebase.gate import Change, Request, comment
from cebase.gate import report as gate_report
from cebase.registry import Registry, scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "gate"
PDF = (FIXTURES / "scan.pdf").read_bytes()
PNG = (FIXTURES / "photo.png").read_bytes()
TEXT = (FIXTURES / "notes.txt").read_bytes()

OWN = "91650107DEM0Q0155H"
OTHER = "12650109DEM0H0084P"
NEW = "91650100MA0000001X"
CYCLE = b"""id: "2026"
deadlines:
  application: 2025-11-07
  assessment: 2025-11-07
extensions:
  - uscc: "12650109DEM0H0084P"
    kind: application
    until: 2025-11-14
    reason: x
incumbents:
  - uscc: "91650100MA0000002X"
"""
SQUATTED = "91650100MA0000002X"


def inst(*maintainers: str, name: str = "") -> bytes:
    name = name or f"示例单位{maintainers[0]}"
    return f'name: "{name}"\nmaintainers: [{", ".join(maintainers)}]\n'.encode()


class DictTree:
    """``gate.Tree`` over a dict of path → bytes."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.data = files

    def read(self, path: str, limit: int | None = None) -> bytes | None:
        raw = self.data.get(path)
        return raw if raw is None or limit is None else raw[:limit]

    def exists(self, path: str) -> bool:
        return path in self.data or any(p.startswith(path + "/") for p in self.data)

    def names(self, folder: str) -> list[str]:
        return sorted(
            {p[len(folder) + 1 :].split("/")[0] for p in self.data if p.startswith(folder + "/")}
        )


BASE = {
    "cycles/2026/cycle.yaml": CYCLE,
    f"submissions/{OWN}/institution.yaml": inst("own-admin"),
    f"submissions/{OTHER}/institution.yaml": inst("other-admin"),
    f"submissions/{OTHER}/2026/application.yaml": b"cycle: '2026'\n",
    f"submissions/{OTHER}/2026/attachments/scan.pdf": PDF,
    f"submissions/{OTHER}/2026/review.yaml": b"subject: application\n",
}


def req(
    changes: list[Change],
    head_files: dict[str, bytes] | None = None,
    *,
    author: str = "own-admin",
    trusted: bool = False,
    now: str = "2025-11-05",
    base: dict[str, bytes] | None = None,
) -> Request:
    base_files = dict(BASE if base is None else base)
    head = {**base_files, **(head_files or {})}
    for c in changes:
        if c.deleted:
            head.pop(c.path, None)
        head.setdefault(c.path, b"x: 1\n")
        if c.old_path:
            head.pop(c.old_path, None)
    return Request(
        changes, DictTree(base_files), DictTree(head), author, trusted, date.fromisoformat(now)
    )


def add(path: str, mode: int = 0o100644, size: int = 10) -> Change:
    return Change(path, "A", mode=mode, size=size)


def rules(r: Request) -> list[str]:
    return sorted({f.rule for f in gate.check_changes(r)})


# -- layout ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (f"submissions/{OWN}/institution.yaml", True),
        (f"submissions/{OWN}/2026/application.yaml", True),
        (f"submissions/{OWN}/2026/assessment.yaml", True),
        (f"submissions/{OWN}/2026/self-report.md", True),
        (f"submissions/{OWN}/2026/attachments/a.pdf", True),
        (f"submissions/{OWN}/2026/attachments/A.JPG", True),
        (f"submissions/{OWN}/2026/attachments/a.jpeg", True),
        (f"submissions/{OWN}/2026/attachments/a.png", True),
        (f"submissions/{OWN}/2026/attachments/a.docx", False),
        (f"submissions/{OWN}/2026/attachments/.gitkeep", True),
        (f"submissions/{OWN}/2026/.gitkeep", False),
        (f"submissions/{OWN}/2026/attachments/sub/a.pdf", False),
        (f"submissions/{OWN}/2026/notes.txt", False),
        (f"submissions/{OWN}/README.md", False),
        (f"submissions/{OWN}/draft/application.yaml", False),
        (f"submissions/{OWN}/2026/.DS_Store", False),
        (f"submissions/{OWN}/.gitkeep", False),
    ],
)
def test_only_placed_paths_pass(path: str, allowed: bool) -> None:
    assert ("gate-layout" not in rules(req([add(path)]))) is allowed


def test_where_with_prefix() -> None:
    w = gate.where(f"examples/submissions/{OWN}/2026/review.yaml", "examples/")
    assert (w.rel, w.uscc, w.cycle, w.inside, w.what) == (
        f"submissions/{OWN}/2026/review.yaml",
        OWN,
        "2026",
        True,
        "review",
    )
    outside = gate.where("mkdocs.yml", "examples/")
    assert (outside.inside, outside.rel) == (False, "mkdocs.yml")


# -- untrusted authors ---------------------------------------------------------


def test_own_folder_is_clean() -> None:
    assert rules(req([add(f"submissions/{OWN}/2026/assessment.yaml")])) == []


@pytest.mark.parametrize(
    ("path", "rule"),
    [
        ("cycles/2026/cycle.yaml", "gate-bureau-file"),
        ("schemas/application.schema.json", "gate-bureau-file"),
        ("scripts/cebase/gate.py", "gate-bureau-file"),
        ("docs/index.md", "gate-bureau-file"),
        ("mkdocs.yml", "gate-bureau-file"),
        (".github/workflows/validate.yml", "gate-bureau-file"),
        (".ci/run", "gate-bureau-file"),
        ("README.md", "gate-scope"),
        (f"submissions/{OWN}/2026/review.yaml", "gate-review-file"),
        (f"submissions/{OWN}/2026/notes.txt", "gate-layout"),
    ],
)
def test_untrusted_may_not_touch(path: str, rule: str) -> None:
    assert rule in rules(req([add(path)]))


def test_other_institution_folder() -> None:
    found = gate.check_changes(
        req(
            [
                add(f"submissions/{OWN}/2026/assessment.yaml"),
                Change(f"submissions/{OTHER}/2026/application.yaml", "M"),
            ]
        )
    )
    assert {(f.rule, f.path) for f in found} == {
        ("gate-maintainer", f"submissions/{OTHER}/2026/application.yaml"),
        ("gate-scope", f"submissions/{OTHER}/2026/application.yaml"),
    }
    scope = next(f for f in found if f.rule == "gate-scope")
    assert (
        "本次拉取请求修改了其他单位的文件夹" in scope.message
        and "分成多个拉取请求" in scope.message
    )


def test_maintainers_come_from_the_base_not_the_head() -> None:
    # The head lists the intruder; the base does not: refused.
    r = req(
        [Change(f"submissions/{OTHER}/institution.yaml", "M")],
        {f"submissions/{OTHER}/institution.yaml": inst("other-admin", "intruder")},
        author="intruder",
    )
    assert rules(r) == ["gate-maintainer"]


def test_login_comparison_ignores_case() -> None:
    assert rules(req([add(f"submissions/{OWN}/2026/assessment.yaml")], author="Own-Admin")) == []


def test_new_folder_first_submitter_becomes_maintainer() -> None:
    files = {f"submissions/{NEW}/institution.yaml": inst("newcomer", name="新单位")}
    changes = [
        add(f"submissions/{NEW}/institution.yaml"),
        add(f"submissions/{NEW}/2026/application.yaml"),
    ]
    assert rules(req(changes, files, author="newcomer")) == []
    assert rules(req(changes, files, author="someone-else")) == ["gate-maintainer"]


def test_new_folder_without_institution_yaml() -> None:
    found = gate.check_changes(
        req([add(f"submissions/{NEW}/2026/application.yaml")], author="newcomer")
    )
    assert [f.rule for f in found] == ["gate-maintainer"]
    assert "institution.yaml" in found[0].message


def test_missing_author_fails_closed() -> None:
    assert "gate-maintainer" in rules(
        req([add(f"submissions/{OWN}/2026/assessment.yaml")], author="")
    )


def test_rename_out_of_the_folder() -> None:
    moved = Change(
        f"submissions/{OTHER}/2026/attachments/scan.pdf",
        "R",
        old_path=f"submissions/{OWN}/2026/attachments/scan.pdf",
        mode=0o100644,
    )
    base = {**BASE, f"submissions/{OWN}/2026/attachments/scan.pdf": PDF}
    assert {"gate-scope", "gate-maintainer"} <= set(
        rules(req([moved], {moved.path: PDF}, base=base))
    )
    escaped = Change(
        "scan.pdf", "R", old_path=f"submissions/{OWN}/2026/attachments/scan.pdf", mode=0o100644
    )
    found = gate.check_changes(req([escaped], {"scan.pdf": PDF}, base=base))
    assert [(f.rule, f.path) for f in found] == [("gate-scope", "scan.pdf")]
    assert "重命名" in found[0].message


# -- modes, types, sizes -------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "rule"),
    [(0o120000, "gate-symlink"), (0o160000, "gate-submodule"), (0o100755, "gate-executable")],
)
def test_modes(mode: int, rule: str) -> None:
    path = f"submissions/{OWN}/2026/self-report.md"
    assert rule in rules(req([add(path, mode)], {path: "自查报告".encode()}))


@pytest.mark.parametrize(
    ("name", "content", "ok"),
    [
        ("a.pdf", PDF, True),
        ("a.png", PNG, True),
        ("a.pdf", PNG, False),
        ("a.jpg", PNG, False),
        ("a.pdf", TEXT, False),
        ("assessment.yaml", PNG, False),
        ("self-report.md", b"abc\x00def", False),
        ("self-report.md", TEXT, True),
    ],
)
def test_file_type_matches_name(name: str, content: bytes, ok: bool) -> None:
    folder = f"submissions/{OWN}/2026/" + ("attachments/" if name.startswith("a.") else "")
    found = rules(req([add(folder + name)], {folder + name: content}))
    assert ({"gate-file-type", "attachment-type"} & set(found)) is not ok


def test_attachment_size_cap() -> None:
    path = f"submissions/{OWN}/2026/attachments/big.pdf"
    assert rules(req([add(path, size=layout.ATTACHMENT_MAX_BYTES + 1)], {path: PDF})) == [
        "attachment-size"
    ]
    assert rules(req([add(path, size=layout.ATTACHMENT_MAX_BYTES)], {path: PDF})) == []


# -- trusted reviewers -----------------------------------------------------------


def test_trusted_may_change_reviews_and_cycles() -> None:
    changes = [
        Change(f"submissions/{OTHER}/2026/review.yaml", "M"),
        Change("cycles/2026/cycle.yaml", "M"),
    ]
    assert rules(req(changes, author="reviewer", trusted=True)) == []


def test_trusted_never_mixes_review_and_submission() -> None:
    changes = [
        Change(f"submissions/{OTHER}/2026/review.yaml", "M"),
        Change(f"submissions/{OTHER}/2026/application.yaml", "M"),
    ]
    found = gate.check_changes(req(changes, author="reviewer", trusted=True))
    assert [(f.rule, f.path) for f in found] == [
        ("gate-mixed-review", f"submissions/{OTHER}/2026/application.yaml")
    ]


def test_trusted_still_refuses_symlinks() -> None:
    assert rules(req([add("docs/link.md", 0o120000)], author="reviewer", trusted=True)) == [
        "gate-symlink"
    ]


# -- deadlines ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uscc", "path", "now", "late"),
    [
        (OWN, "2026/assessment.yaml", "2025-11-07", False),  # the deadline day itself is on time
        (OWN, "2026/assessment.yaml", "2025-11-08", True),
        (OWN, "2026/self-report.md", "2025-11-08", True),
        (OWN, "2026/attachments/x.pdf", "2025-11-08", True),
        (OWN, "institution.yaml", "2025-12-01", False),  # the profile has no deadline
        (OTHER, "2026/application.yaml", "2025-11-14", False),  # extended until 11-14
        (
            OTHER,
            "2026/attachments/scan.pdf",
            "2025-11-10",
            False,
        ),  # attachments follow their record
        (OTHER, "2026/application.yaml", "2025-11-15", True),  # extension over
    ],
)
def test_deadline(uscc: str, path: str, now: str, late: bool) -> None:
    full = f"submissions/{uscc}/{path}"
    files = {full: PDF} if full.endswith(".pdf") else {}
    if "attachments" in path and uscc == OWN:
        files[f"submissions/{OWN}/2026/assessment.yaml"] = b"cycle: '2026'\n"
    author = "own-admin" if uscc == OWN else "other-admin"
    found = rules(req([Change(full, "A", mode=0o100644)], files, author=author, now=now))
    assert ("gate-deadline" in found) is late


def test_extension_for_another_kind_does_not_help() -> None:
    path = f"submissions/{OTHER}/2026/assessment.yaml"
    assert "gate-deadline" in rules(req([add(path)], author="other-admin", now="2025-11-10"))


def test_extension_only_counts_on_the_base() -> None:
    # An extension added by the pull request itself is not granted yet.
    path = f"submissions/{OWN}/2026/assessment.yaml"
    head_cycle = (
        CYCLE
        + f'  - uscc: "{OWN}"\n    kind: assessment\n    until: 2025-12-31\n    reason: x\n'.encode()
    )
    r = req([add(path)], {"cycles/2026/cycle.yaml": head_cycle}, now="2025-11-10")
    assert "gate-deadline" in rules(r)


def test_withdrawal_after_deadline_is_not_late() -> None:
    base = {**BASE, f"submissions/{OWN}/2026/assessment.yaml": b"cycle: '2026'\n"}
    r = req([Change(f"submissions/{OWN}/2026/assessment.yaml", "D")], now="2025-12-01", base=base)
    assert rules(r) == []


# -- deletions of reviewed records -------------------------------------------------


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        (f"submissions/{OTHER}/2026/application.yaml", True),
        (f"submissions/{OTHER}/2026/attachments/scan.pdf", True),
        (f"submissions/{OTHER}/institution.yaml", True),
        (f"submissions/{OWN}/institution.yaml", False),  # no review refers to it
    ],
)
def test_delete_reviewed(path: str, refused: bool) -> None:
    author = "other-admin" if OTHER in path else "own-admin"
    found = rules(req([Change(path, "D")], author=author))
    assert ("gate-delete-reviewed" in found) is refused


def test_rename_of_reviewed_record_is_a_deletion() -> None:
    old = f"submissions/{OTHER}/2026/attachments/scan.pdf"
    moved = Change(
        f"submissions/{OTHER}/2026/attachments/scan2.pdf", "R", old_path=old, mode=0o100644
    )
    found = gate.check_changes(req([moved], {moved.path: PDF}, author="other-admin"))
    assert [(f.rule, f.path) for f in found] == [("gate-delete-reviewed", old)]


# -- what gets validated -------------------------------------------------------------


def test_scope_of_a_submission_change() -> None:
    r = req([add(f"submissions/{OWN}/2026/assessment.yaml")])
    folders, paths = gate.scope(r, ["2026"])
    assert folders == ["cycles", f"submissions/{OWN}"]
    assert paths == [f"submissions/{OWN}"]


def test_scope_of_a_cycle_change_is_the_whole_cycle() -> None:
    r = req([Change("cycles/2026/cycle.yaml", "M")], author="reviewer", trusted=True)
    folders, paths = gate.scope(r, ["2026"])
    assert folders == ["cycles", "submissions"]
    assert paths == ["cycles/2026", f"submissions/{OTHER}/2026"]


def test_scope_ignores_a_deleted_cycle() -> None:
    r = req([Change("cycles/2025/cycle.yaml", "D")], author="reviewer", trusted=True)
    assert gate.scope(r, ["2026"])[1] == []


# -- the report ------------------------------------------------------------------------


def _report(tmp_path: Path, name: str, findings: list[Finding]) -> dict:
    folder = tmp_path / "submissions" / OWN
    (folder / "2026").mkdir(parents=True)
    (tmp_path / "cycles").mkdir()
    (folder / "institution.yaml").write_text(f"name: '{name}'\nmaintainers: [own-admin]\n", "utf-8")
    (folder / "2026" / "assessment.yaml").write_text("cycle: '2026'\n", "utf-8")
    reg: Registry = scan(tmp_path)
    r = req([add(f"submissions/{OWN}/2026/assessment.yaml")])
    result = gate.Result(findings, 1, list(r.changes), reg, gate.touched_submissions(r, reg), r)
    return gate_report.build(result, checklists=False)


def test_report_passes(tmp_path: Path) -> None:
    text = comment.render(_report(tmp_path, "示例单位", []))
    assert text.startswith(comment.MARKER + "\n")
    assert "✅ 可以进入人工审核" in text and "❌" not in text
    assert (
        "示例单位" in text
        and "2026 周期年度自查" in text
        and "新增：submissions/91650107DEM0Q0155H/2026/assessment\\.yaml" in text
    )


def test_report_escapes_and_groups(tmp_path: Path) -> None:
    bad = Finding(f"submissions/{OWN}/2026/assessment.yaml", 3, 5, "deadline", "日期<b>晚了</b>")
    name = "<script>x</script>[链接](http://e)![](https://t.example/p.gif) @bureau-team"
    text = comment.render(_report(tmp_path, name, [bad]))
    assert "❌ 需要修改" in text and "第 3 行" in text and "deadline" in text
    assert "<script>" not in text and "<b>" not in text and "](http" not in text
    assert "@bureau" not in text and "＠bureau" in text


def test_report_is_capped(tmp_path: Path) -> None:
    many = [
        Finding(f"submissions/{OWN}/2026/f{i:04d}.yaml", 1, 1, "gate-layout", "问题" * 40)
        for i in range(2000)
    ]
    text = comment.render(_report(tmp_path, "示例单位", many), limit=20_000)
    assert len(text) <= 20_000 and "另有" in text and text.rstrip().endswith("</sub>")


def test_a_report_that_disagrees_with_its_findings_never_passes(tmp_path: Path) -> None:
    bad = Finding(f"submissions/{OWN}/2026/assessment.yaml", 3, 5, "deadline", "晚了")
    forged = {**_report(tmp_path, "示例单位", [bad]), "ok": True, "errors": 0}
    text = comment.render(forged)
    assert "✅" not in text and "检查未能完成" in text


FORM = {"uscc": OWN, "cycle": "2026", "forms": ["2", "3"], "file": f"{OWN}-2026.html"}
FORM |= {"draft": True, "missing": ["考核评估表（附件2）盖章扫描件"], "errors": 0, "sealed": False}
ARTIFACT = "https://github.com/bureau/registry/actions/runs/42/artifacts/7"


def test_the_comment_lists_the_forms_and_links_the_artifact(tmp_path: Path) -> None:
    report = {**_report(tmp_path, "示例单位", []), "forms": [FORM]}
    text = comment.render(report, forms_url=ARTIFACT)
    assert f"]({ARTIFACT})" in text and "**示例单位** 2026 年度附件2、附件3" in text
    assert f"`{OWN}-2026.html`，**草稿**" in text and "考核评估表（附件2）盖章扫描件" in text


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "https://evil.example/phish",
        "https://github.com/o/r/actions/runs/1/artifacts/2) [点此](https://evil.example",
        "https://github.com/o/r/actions/runs/1/artifacts/2\n[x](https://evil.example)",
    ],
)
def test_only_a_run_or_artifact_address_is_linked(tmp_path: Path, url: str) -> None:
    text = comment.render({**_report(tmp_path, "示例单位", []), "forms": [FORM]}, forms_url=url)
    assert "evil" not in text and "javascript" not in text and "](" not in text
    assert "“printable-forms”" in text


@pytest.mark.parametrize(
    "forged",
    [
        {"file": "../../comment.md"},
        {"file": "x.html"},
        {"file": f"{OWN}-2026.html](https://evil.example) `"},
        {"uscc": "[x](https://evil.example)", "file": ""},
        {"cycle": "2026/../..", "file": ""},
        {"forms": ["<script>"]},
        {"missing": [{"x": 1}]},
        {"draft": "yes"},
    ],
)
def test_a_forged_form_entry_is_not_rendered(tmp_path: Path, forged: dict) -> None:
    report = {**_report(tmp_path, "示例单位", []), "forms": [{**FORM, **forged}]}
    text = comment.render(report, forms_url=ARTIFACT)
    assert "检查未能完成" in text and "evil" not in text and ARTIFACT not in text


def test_contacts_come_from_the_cycle() -> None:
    cycle = (
        CYCLE
        + b"contacts:\n  - office: \xe6\xb5\x8b\xe8\xaf\x95\xe7\xa7\x91\n    phone: '0991-0000000'\n"
    )
    r = req(
        [add(f"submissions/{OWN}/2026/assessment.yaml")],
        base={**BASE, "cycles/2026/cycle.yaml": cycle},
    )
    assert r.contact == "测试科（0991-0000000）"


def test_late_folder_is_one_finding_on_its_record() -> None:
    folder = f"submissions/{OWN}/2026/"
    changes = [
        add(folder + "assessment.yaml"),
        add(folder + "self-report.md"),
        add(folder + "attachments/x.pdf"),
    ]
    found = gate.check_changes(req(changes, {folder + "attachments/x.pdf": PDF}, now="2025-11-08"))
    assert [(f.rule, f.path) for f in found] == [("gate-deadline", folder + "assessment.yaml")]
    assert "2025-11-07" in found[0].message and "self-report.md" in found[0].message


def test_the_web_editors_keep_file_is_accepted_only_empty() -> None:
    keep = f"submissions/{OWN}/2026/attachments/.gitkeep"
    assert rules(req([add(keep, size=0)], {keep: b""})) == []
    assert rules(req([add(keep, size=5000)], {keep: b"x" * 5000})) == ["gate-file-type"]


# -- identity -----------------------------------------------------------------------


def test_an_incumbents_folder_is_the_bureaus_to_create() -> None:
    path = f"submissions/{SQUATTED}/institution.yaml"
    files = {path: inst("squatter", name="冒名单位")}
    found = gate.check_changes(req([add(path)], files, author="squatter"))
    assert [f.rule for f in found] == ["gate-identity"]
    assert "incumbents" in found[0].message and "联系" in found[0].message
    assert rules(req([add(path)], files, author="reviewer", trusted=True)) == []


@pytest.mark.parametrize(
    "name",
    [
        "示例单位own-admin",
        "示例\u200b单位own-admin",
        "示例单位ＯＷＮ-admin",
        " 示例单位 own-admin\u202e",
    ],
)
def test_a_new_folder_may_not_take_an_existing_name(name: str) -> None:
    path = f"submissions/{NEW}/institution.yaml"
    escaped = name.encode("unicode_escape").decode("ascii")
    files = {path: f'name: "{escaped}"\nmaintainers: [newcomer]\n'.encode()}
    found = gate.check_changes(req([add(path)], files, author="newcomer"))
    assert [f.rule for f in found] == ["gate-identity"]
    assert OWN in found[0].message


def test_a_rename_onto_another_name_is_refused_but_a_name_outside_the_bmp_is_fine() -> None:
    path = f"submissions/{OWN}/institution.yaml"
    taken = {path: inst("own-admin", name="示例单位other-admin")}
    assert rules(req([Change(path, "M")], taken)) == ["gate-identity"]
    fine = {path: inst("own-admin", name="𠀀示例单位")}
    assert rules(req([Change(path, "M")], fine)) == []


def test_badly_named_files_are_refused_but_may_be_removed() -> None:
    bad = f"submissions/{OWN}/2026/attachments/a\u200b.pdf"
    assert "gate-path" in rules(req([add(bad)], {bad: PDF}))
    assert rules(req([Change(bad, "D")], base={**BASE, bad: PDF})) == []
