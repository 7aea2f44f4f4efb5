"""Sealed personal fields: policy, marks, seal/open, the rules and the commands.

The sealed registry is the demo itself: ``examples/cycles/recipients.txt`` lists the
TEST key's public half, and every personal field and scan was sealed with
``cebase reseal``. The identities in ``fixtures/seal/`` are test-only
(仅供测试，切勿用于真实数据). Negative cases under ``fixtures/seal/negative/`` are
laid over a copy of the demo, and list their findings in ``expected.txt``.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from jinja2 import Environment

from cebase import layout, seal, sealtext
from cebase.armour import SHOWN, Sealed, SealedValue, is_armoured
from cebase.findings import Finding, Severity
from cebase.loader import load_yaml_text
from cebase.privacy import public_view
from cebase.registry import scan
from cebase.report import REPORTERS
from cebase.schemas import KINDS, resolve, schema
from cebase.template import render
from cebase.validate import validate

from .conftest import DEMO_DATE, EXAMPLES, FIXTURES, unlocked
from .site_helpers import build_unvalidated
from .test_cli_check_pr import check_pr, git, maintainer
from .test_gate import OWN, add, req, rules

SEAL = FIXTURES / "seal"
KEY = SEAL / "test-identity.TEST-ONLY.txt"
KEY2 = SEAL / "test-identity-2.TEST-ONLY.txt"
APPLICANT, ASSESSED = "91650106DEM0E0053R", "91650105DEM0P0141F"
SEALED_PATHS = [f"submissions/{APPLICANT}", f"submissions/{ASSESSED}"]
NEGATIVE = sorted(p for p in (SEAL / "negative").iterdir() if p.is_dir())
PLAIN_PDF = (
    FIXTURES
    / "records/positive/new-application/submissions/12650104DEM0A0019H/2026"
    / "attachments/written-report.pdf"
)


def sealed_demo(tmp_path: Path, case: Path | None = None) -> Path:
    """A copy of the demo registry, sealed to the test key (with a case laid over)."""
    root = tmp_path / "registry"
    shutil.copytree(EXAMPLES, root)
    if case is not None:
        shutil.copytree(case / "submissions", root / "submissions", dirs_exist_ok=True)
    return root


def keyring(root: Path, *keys: Path) -> seal.Keyring:
    ids = [i for k in keys for i in seal.read_identities(k)]
    return seal.Keyring(seal.read_policy(root), tuple(ids))


def findings(root: Path, *keys: Path) -> list[Finding]:
    reg = scan(root)
    if keys:
        reg.unlock(keyring(root, *keys))
    return validate(reg, SEALED_PATHS, now=date.fromisoformat(DEMO_DATE)).findings


def public_key(identity_file: Path) -> str:
    return str(seal.read_identities(identity_file)[0].to_public())


# --- the schemas' marks ---------------------------------------------------------------


def _marked(node: object, where: str, out: list[tuple[str, dict]]) -> None:
    if isinstance(node, dict):
        if "x-sealed" in node:
            out.append((where, node))
        for key, child in node.items():
            _marked(child, f"{where}/{key}", out)
    elif isinstance(node, list):
        for i, child in enumerate(node):
            _marked(child, f"{where}/{i}", out)


@pytest.mark.parametrize("kind", KINDS)
def test_no_sealed_field_is_public(kind: str) -> None:
    """Sealed data never reaches the site: the site reads x-public fields only."""
    marked: list[tuple[str, dict]] = []
    _marked(schema(kind), kind, marked)
    for where, node in marked:
        assert node["x-sealed"] is True, where
        assert resolve(node).get("x-public") is not True, where
        assert '"x-public": true' not in json.dumps(node), f"{where} holds public fields"
        # a sealed node is a property (a mapping's value), which sealing in place relies on
        assert where.split("/")[-2] == "properties", where


def test_sealed_fields_are_the_personal_ones() -> None:
    shapes = {
        kind: seal.sealed_shapes(kind) for kind in ("institution", "application", "assessment")
    }
    assert shapes == {
        "institution": (
            ("legal_representative",),
            ("contact", "person"),
            ("contact", "mobile"),
        ),
        "application": (
            ("conditions", "faculty", "roster"),
            ("conditions", "management", "staff"),
            ("conditions", "facilities", "annual_funding_yuan"),
            ("pledge", "signatory"),
        ),
        "assessment": (
            ("finance", "income"),
            ("finance", "income_total"),
            ("finance", "expenditure"),
            ("finance", "expenditure_total"),
        ),
    }
    assert seal.sealed_shapes("review") == ()
    assert "maintainers" not in {s[0] for s in shapes["institution"]}  # the gate reads them


# --- policy and keys ------------------------------------------------------------------


def test_recipients_file_lines() -> None:
    good = public_key(KEY)
    text = f"# 审核人甲\n\n{good}\nage1notakey\n{good}\n"
    pol = seal.parse_recipients(text)
    assert pol.recipients == (good,)
    assert pol.sealed and pol.expected() == Counter({"X25519": 1})
    assert [line for line, _ in pol.problems] == [4, 5]


def test_no_recipients_file_means_plain(tmp_path: Path) -> None:
    assert not seal.read_policy(tmp_path).sealed


def test_identity_file_is_read_and_a_bad_one_explained(tmp_path: Path) -> None:
    assert len(seal.read_identities(KEY)) == 1
    bad = tmp_path / "key.txt"
    bad.write_text("# 注释\nnot a key\n", "utf-8")
    with pytest.raises(ValueError, match="AGE-SECRET-KEY-1"):
        seal.read_identities(bad)


def test_test_identities_are_marked_test_only() -> None:
    for key in (KEY, KEY2):
        assert "TEST-ONLY" in key.name
        assert "仅供测试，切勿用于真实数据" in key.read_text("utf-8")


# --- sealing and opening values ---------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["吴某某（示例）", "13999004148", 600000.5, 0, [{"name": "杨某某", "kind": "专职"}], True],
)
def test_value_round_trip(value: object) -> None:
    ids = seal.read_identities(KEY)
    armour = seal.seal_value(value, [i.to_public() for i in ids])
    assert is_armoured(armour)
    assert seal.stanzas(armour) == Counter({"X25519": 1})  # grease stanzas left out
    assert seal.open_value(armour, ids) == value


def test_stanzas_count_every_recipient() -> None:
    both = [seal.read_identities(k)[0].to_public() for k in (KEY, KEY2)]
    assert seal.stanzas(seal.seal_value("x", both)) == Counter({"X25519": 2})
    assert (
        seal.stanzas("-----BEGIN AGE ENCRYPTED FILE-----\n@@@\n-----END AGE ENCRYPTED FILE-----")
        is None
    )


def test_sealed_stand_in_refuses_to_be_read() -> None:
    held = Sealed("armour")
    for use in (str, len, iter, float, lambda v: v["a"], lambda v: v + 1, lambda v: v.get("a")):
        with pytest.raises(SealedValue):
            use(held)
    assert held != Sealed("armour") and bool(held)
    assert Environment(autoescape=True).from_string("{{ v }}").render(v=held) == SHOWN


# --- sealing a record's text in place ---------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "kind"),
    [
        (f"submissions/{APPLICANT}/institution.yaml", "institution"),
        (f"submissions/{APPLICANT}/2026/application.yaml", "application"),
        (f"submissions/{ASSESSED}/2026/assessment.yaml", "assessment"),
    ],
)
def test_seal_then_open_gives_back_the_record(rel: str, kind: str, plain_examples: Path) -> None:
    ids = seal.read_identities(KEY)
    text = (plain_examples / rel).read_text("utf-8")
    sealed, count = sealtext.seal_text(rel, text, kind, [i.to_public() for i in ids])
    assert count == len(seal.sealed_shapes(kind))
    before, after = text.splitlines(), sealed.splitlines()
    assert before[:2] == after[:2]  # the header comments stay
    opened, _ = sealtext.open_text(rel, sealed, kind, ids)
    assert load_yaml_text(rel, opened).document.data == load_yaml_text(rel, text).document.data
    if kind == "institution":
        assert opened == text  # scalars come back as written


def test_comments_beside_a_sealed_value_stay(plain_examples: Path) -> None:
    ids = seal.read_identities(KEY)
    rel = f"submissions/{APPLICANT}/institution.yaml"
    text = (
        (plain_examples / rel)
        .read_text("utf-8")
        .replace("  mobile:", "  mobile:  # 经办人手机\n   ")
    )
    sealed, _ = sealtext.seal_text(rel, text, "institution", [i.to_public() for i in ids])
    assert "  mobile: |  # 经办人手机\n" in sealed
    opened, _ = sealtext.open_text(rel, sealed, "institution", ids)
    assert '  mobile: "13999004148"  # 经办人手机\n' in opened


# --- the rules on a sealed registry ------------------------------------------------------------


# The checks that read sealed values, by record kind: without a key they wait for the bureau.
WAITING = {
    "institution": {"schema-sealed", "personal-id", "phone"},
    "application": {"schema-sealed", "personal-id"},
    "assessment": {"schema-sealed", "personal-id", "finance-totals"},
}


def test_the_demo_validates_without_a_key_and_says_which_checks_wait() -> None:
    reg = scan(EXAMPLES)
    found = validate(reg, now=date.fromisoformat(DEMO_DATE)).findings
    assert found and all(f.severity is Severity.INFO for f in found)
    waiting: dict[str, set[str]] = {}
    for f in found:
        waiting.setdefault(f.path, set()).add(f.rule)
        assert f"本项检查（{f.rule}）" in f.message and "留待市人社局用密钥核对" in f.message
    personal = {rec.relpath: WAITING[rec.kind] for rec in reg.records() if rec.kind in WAITING}
    assert len(personal) > 20 and waiting == personal


def test_the_demo_with_the_test_key_runs_every_check() -> None:
    reg = unlocked(EXAMPLES)
    assert validate(reg, now=date.fromisoformat(DEMO_DATE)).findings == []
    sealed = [rec for rec in reg.records() if seal.sealed_shapes(rec.kind)]
    assert sealed
    for rec in sealed:
        facts = reg.keys.of(rec.relpath)
        assert facts.opened and not (facts.held or facts.closed or facts.plain), rec.relpath
    scans = [
        a
        for i in reg.institutions.values()
        for s in i.submissions.values()
        for a in s.attachments.values()
    ]
    assert scans and all(a.sealed.head is not None for a in scans)  # every scan opened too


def test_the_demo_opened_is_a_plain_registry(plain_examples: Path) -> None:
    """What tests of other things use (tests/sealing.py: every file through `cebase open`)."""
    assert not (plain_examples / "cycles" / "recipients.txt").exists()
    files = sorted((plain_examples / "submissions").rglob("*"))
    assert not [f for f in files if f.name.endswith(".age")]
    assert not [f for f in files if f.suffix == ".yaml" and "BEGIN AGE" in f.read_text("utf-8")]
    assert len([f for f in files if f.suffix in (".pdf", ".png")]) == len(
        list((EXAMPLES / "submissions").rglob("*.age"))
    )
    assert validate(scan(plain_examples), now=date.fromisoformat(DEMO_DATE)).findings == []


def test_validate_command_on_the_demo_with_and_without_the_key(run_cli) -> None:
    args = ("validate", "--root", str(EXAMPLES), "--now", DEMO_DATE)
    code, out, _ = run_cli(*args)
    assert code == 0 and "info[schema-sealed]" in out and "error[" not in out
    code, out, _ = run_cli(*args, "--identity", str(KEY))
    assert code == 0 and "info[" not in out and "全部通过" in out


def test_waiting_checks_are_open_items_of_the_checklist(tmp_path: Path, run_cli) -> None:
    root = sealed_demo(tmp_path)
    args = ("checklist", "--root", str(root), f"submissions/{ASSESSED}/2026", "--now", DEMO_DATE)
    code, out, _ = run_cli(*args)
    assert code == 0 and "3 项待市人社局用密钥核对" in out
    waiting = [line for line in out.splitlines() if line.startswith("| ☐")]
    rules = {line.split("`")[1] for line in waiting}
    assert rules == {"schema", "finance-totals", "personal-id"}
    code, out, _ = run_cli(*args, "--identity", str(KEY))
    assert code == 0 and "15 项通过" in out and "待市人社局" not in out


def test_forms_need_the_key_and_read_opened_values(
    tmp_path: Path, run_cli, plain_examples: Path
) -> None:
    root = EXAMPLES
    html = tmp_path / "form.html"
    args = ("form", "--root", str(root), f"submissions/{ASSESSED}/2026", "-o", str(html))
    code, _, err = run_cli(*args)
    assert code == 2 and "--identity" in err and not html.exists()
    code, _, _ = run_cli(*args, "--identity", str(KEY))
    plain = tmp_path / "plain.html"
    run_cli("form", "--root", str(plain_examples), f"submissions/{ASSESSED}/2026", "-o", str(plain))
    assert code == 0 and html.read_text("utf-8") == plain.read_text("utf-8")


def test_finance_rule_reads_opened_values(tmp_path: Path) -> None:
    root = sealed_demo(tmp_path)
    rel = f"submissions/{ASSESSED}/2026/assessment.yaml"
    ids = seal.read_identities(KEY)
    text, _ = sealtext.open_text(rel, (root / rel).read_text("utf-8"), "assessment", ids)
    text = text.replace("income_total: 57600.0", "income_total: 57601.0")
    text, _ = sealtext.seal_text(rel, text, "assessment", [i.to_public() for i in ids])
    (root / rel).write_text(text, "utf-8")
    assert {f.severity for f in findings(root) if f.path == rel} == {Severity.INFO}
    assert [(f.rule, f.severity) for f in findings(root, KEY)] == [
        ("finance-totals", Severity.ERROR)
    ]


def test_a_key_not_among_the_recipients_is_told(tmp_path: Path) -> None:
    found = findings(sealed_demo(tmp_path), KEY2)
    assert {f.rule for f in found if f.severity is Severity.WARNING} == {"sealed-closed"}
    assert all(f.severity is not Severity.ERROR for f in found)


def test_citizen_id_inside_a_sealed_value_is_found_with_the_key(tmp_path: Path) -> None:
    root = sealed_demo(tmp_path)
    rel = f"submissions/{APPLICANT}/2026/application.yaml"
    ids = seal.read_identities(KEY)
    text, _ = sealtext.open_text(rel, (root / rel).read_text("utf-8"), "application", ids)
    text = text.replace("field: 化工安全", "field: 化工安全 650102198001011234")
    text, _ = sealtext.seal_text(rel, text, "application", [i.to_public() for i in ids])
    (root / rel).write_text(text, "utf-8")
    hits = [f for f in findings(root, KEY) if f.rule == "personal-id"]
    assert [(f.path, f.field) for f in hits] == [(rel, "conditions.faculty.roster")]
    assert "650102198001011234" not in hits[0].message


@pytest.mark.parametrize("case", NEGATIVE, ids=lambda p: p.name)
def test_negative(case: Path, tmp_path: Path) -> None:
    found = [f for f in findings(sealed_demo(tmp_path, case)) if f.severity is not Severity.INFO]
    got = [f"{f.path}:{f.line}:{f.col}: {f.rule}" for f in found]
    expected = (case / "expected.txt").read_text("utf-8").split("\n")
    assert got == [line for line in expected if line]


def test_plaintext_finding_never_repeats_the_value(tmp_path: Path) -> None:
    found = findings(sealed_demo(tmp_path, SEAL / "negative" / "plaintext-roster"))
    plain = [f for f in found if f.rule == "sealed-plaintext"]
    assert len(plain) == 1 and plain[0].field == "conditions.faculty.roster"
    for name in ("杨某某", "赵某某", "高级工程师", "化工安全"):
        assert name not in plain[0].message
    assert "cebase seal" in plain[0].message


def test_sealed_values_where_the_policy_is_plain(tmp_path: Path) -> None:
    root = sealed_demo(tmp_path)
    (root / "cycles" / "recipients.txt").unlink()
    rules = Counter(f.rule for f in findings(root))
    assert rules["sealed-recipients"] == 14  # every sealed field of both institutions
    assert rules["schema-sealed"] == 4


def test_bad_recipients_line_is_a_finding_on_the_file(tmp_path: Path) -> None:
    root = sealed_demo(tmp_path)
    with (root / "cycles" / "recipients.txt").open("a", encoding="utf-8") as fh:
        fh.write("age1broken\n")
    reg = scan(root)
    found = [f for f in validate(reg).findings if f.rule == "sealed-recipients-file"]
    lines = len((EXAMPLES / "cycles" / "recipients.txt").read_text("utf-8").splitlines())
    assert [(f.path, f.line) for f in found] == [("cycles/recipients.txt", lines + 1)]


# --- layout, privacy, reports ------------------------------------------------------------------


def test_layout_places_sealed_files() -> None:
    assert layout.place("cycles/recipients.txt").what == layout.RECIPIENTS_PLACE
    ok = layout.place(f"submissions/{APPLICANT}/2026/attachments/written-report.pdf.age")
    assert ok.what == layout.ATTACHMENT_PLACE
    assert not layout.place(f"submissions/{APPLICANT}/2026/attachments/report.age").ok
    assert not layout.place("cycles/2026/recipients.txt").ok


@pytest.mark.parametrize("kind", ["institution", "application", "assessment"])
def test_public_view_is_the_same_with_or_without_the_key(kind: str, tmp_path: Path) -> None:
    root = sealed_demo(tmp_path)
    held, opened = scan(root), scan(root)
    opened.unlock(keyring(root, KEY))
    pairs = [
        (a, b)
        for a, b in zip(held.records(), opened.records(), strict=True)
        if a.kind == kind and a.relpath.startswith(tuple(SEALED_PATHS))
    ]
    assert pairs
    for a, b in pairs:
        assert any(
            isinstance(v, Sealed)
            for _, parent, k in seal.sealed_places(kind, a.data)
            for v in [parent[k]]
        )
        assert public_view(kind, a.data) == public_view(kind, b.data)
        assert "Sealed" not in repr(public_view(kind, a.data))


def test_info_findings_are_notices_and_do_not_count(tmp_path: Path) -> None:
    found = findings(sealed_demo(tmp_path))
    assert "::notice " in REPORTERS["github"](found, 4)
    assert REPORTERS["text"](found, 4).endswith("已检查 4 个文件，全部通过。\n")
    assert json.loads(REPORTERS["json"](found, 4))["warnings"] == 0


# --- the commands -----------------------------------------------------------------------


def test_seal_open_reseal_commands(tmp_path: Path, run_cli, plain_examples: Path) -> None:
    root = sealed_demo(tmp_path)
    rel = "submissions/91650109DEM0D004XW/institution.yaml"
    plain = (plain_examples / rel).read_text("utf-8")
    (root / rel).write_text(plain, "utf-8")  # as an institution writes it, before sealing
    code, out, _ = run_cli("seal", "--root", str(root), str(root / rel))
    assert code == 0 and "已加密 3 个字段" in out
    mobile = load_yaml_text(rel, plain).document.data["contact"]["mobile"]
    assert mobile not in (root / rel).read_text("utf-8")
    code, out, _ = run_cli("open", "--root", str(root), str(root / rel), "--identity", str(KEY))
    assert code == 0 and out == plain
    # a second reviewer joins: CI sees the recipients differ until a reviewer reseals
    with (root / "cycles" / "recipients.txt").open("a", encoding="utf-8") as fh:
        fh.write(public_key(KEY2) + "\n")
    assert "sealed-recipients" in {f.rule for f in findings(root)}
    code, out, _ = run_cli("reseal", "--root", str(root), *SEALED_PATHS, "--identity", str(KEY))
    assert code == 0 and "已重新加密" in out
    assert findings(root, KEY2) == []


def test_seal_and_open_an_attachment(tmp_path: Path, run_cli) -> None:
    root = sealed_demo(tmp_path)
    rel = "submissions/91650109DEM0D004XW/2026/attachments/written-report.pdf"
    original = PLAIN_PDF.read_bytes()
    (root / rel).write_bytes(original)  # a new scan, replacing the sealed one
    code, _, _ = run_cli("seal", "--root", str(root), str(root / rel))
    assert code == 0 and not (root / rel).exists()
    out = tmp_path / "opened.pdf"
    code, _, _ = run_cli(
        "open", "--root", str(root), rel + ".age", "--identity", str(KEY), "-o", str(out)
    )
    assert code == 0 and out.read_bytes() == original


def test_seal_without_recipients_is_a_usage_error(tmp_path: Path, run_cli) -> None:
    root = tmp_path / "registry"
    shutil.copytree(EXAMPLES, root)
    (root / "cycles" / "recipients.txt").unlink()
    code, _, err = run_cli("seal", "--root", str(root), f"submissions/{APPLICANT}/institution.yaml")
    assert code == 2 and "recipients.txt" in err


def test_open_with_a_key_not_listed_fails_clearly(tmp_path: Path, run_cli) -> None:
    root = sealed_demo(tmp_path)
    rel = f"submissions/{APPLICANT}/institution.yaml"
    code, out, err = run_cli("open", "--root", str(root), rel, "--identity", str(KEY2))
    assert code == 1 and out == "" and "没有加密给此密钥" in err


def test_validate_command_takes_the_identity(tmp_path: Path, run_cli) -> None:
    root = sealed_demo(tmp_path)
    args = ("validate", "--root", str(root), "--now", DEMO_DATE, *SEALED_PATHS)
    code, out, _ = run_cli(*args)
    assert code == 0 and "info[schema-sealed]" in out
    code, out, _ = run_cli(*args, "--identity", str(KEY))
    assert code == 0 and "info[" not in out


# --- the pull-request gate ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "ok"),
    [
        ((EXAMPLES / "submissions" / ASSESSED / "2026/attachments/assessment-form.pdf.age"), True),
        (PLAIN_PDF, False),
    ],
    ids=["age-file", "pdf-named-age"],
)
def test_gate_takes_sealed_attachments(content: Path, ok: bool) -> None:
    path = f"submissions/{OWN}/2026/attachments/scan.pdf.age"
    found = rules(req([add(path)], {path: content.read_bytes()}))
    assert found == ([] if ok else ["attachment-type"])
    bare = f"submissions/{OWN}/2026/attachments/scan.age"  # .age alone: no original type
    assert "gate-layout" in rules(req([add(bare)], {bare: content.read_bytes()}))


def test_gate_caps_a_sealed_attachment() -> None:
    path = f"submissions/{OWN}/2026/attachments/scan.pdf.age"
    big = add(path, size=layout.ATTACHMENT_MAX_BYTES + 1)
    assert rules(req([big], {path: b"age-encryption.org/v1\n"})) == ["attachment-size"]


def test_sealed_scan_content_is_checked_with_the_key(tmp_path: Path) -> None:
    root = sealed_demo(tmp_path)
    folder = root / "submissions" / APPLICANT / "2026" / "attachments"
    png = FIXTURES / "gate" / "photo.png"
    recipients = seal.read_policy(root).age_recipients()
    sealed = seal.seal_bytes(png.read_bytes(), recipients, armored=False)
    (folder / "written-report.pdf.age").write_bytes(sealed)
    assert [f.rule for f in findings(root) if f.severity is Severity.ERROR] == []
    found = [f for f in findings(root, KEY) if f.rule == "sealed-attachment"]
    assert [f.path.rsplit("/", 1)[1] for f in found] == ["written-report.pdf.age"]
    assert "PNG" in found[0].message


@pytest.fixture(scope="module")
def sealed_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sealed demo in Git without one applicant, whose folder arrives by pull request:
    as the demo holds it (sealed), or with the teacher roster in plaintext."""
    root = tmp_path_factory.mktemp("sealed-gate") / "registry"
    shutil.copytree(EXAMPLES, root)
    folder = Path("submissions") / APPLICANT
    shutil.rmtree(root / folder)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "sealed demo")
    plaintext = SEAL / "negative/plaintext-roster" / folder / "2026/application.yaml"
    for branch, application in (("sealed", None), ("plaintext-roster", plaintext)):
        git(root, "checkout", "-q", "-f", "-B", branch, "main")
        shutil.copytree(
            EXAMPLES / folder, root / folder, ignore=shutil.ignore_patterns("review.yaml")
        )
        if application is not None:
            shutil.copy2(application, root / folder / "2026/application.yaml")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", branch)
    git(root, "checkout", "-q", "-f", "main")
    return root


@pytest.mark.slow
def test_gate_takes_a_sealed_application(sealed_repo: Path, capsys) -> None:
    code, found = check_pr(
        sealed_repo, "sealed", maintainer(APPLICANT), "2025-11-06", capsys=capsys
    )
    assert code == 0 and found and {f["severity"] for f in found} == {"info"}


@pytest.mark.slow
def test_gate_leaves_the_forms_of_a_sealed_application_to_the_bureau(
    sealed_repo: Path, tmp_path: Path, capsys
) -> None:
    """CI holds no key: the forms need the sealed values, so none is printed, the report
    and the comment say who prints them, and nothing breaks (no traceback, same verdict)."""
    from cebase.cli import main
    from cebase.gate import comment

    argv = ["check-pr", "--root", str(sealed_repo), "--base", "main", "--head", "sealed"]
    argv += ["--author", maintainer(APPLICANT), "--now", "2025-11-06", "--format", "report"]
    code = main([*argv, "--forms-dir", str(tmp_path / "forms")])
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert code == 0 and "Traceback" not in err
    assert [(p["uscc"], p["file"], p["sealed"]) for p in report["forms"]] == [(APPLICANT, "", True)]
    assert not (tmp_path / "forms").exists()
    text = comment.render(report)
    assert "表格要用到加密的个人信息" in text and "cebase form --identity" in text


@pytest.mark.slow
def test_gate_refuses_a_plaintext_roster_without_repeating_it(
    sealed_repo: Path, tmp_path: Path, capsys
) -> None:
    author = maintainer(APPLICANT)
    args = ("--report-dir", str(tmp_path))
    code, found = check_pr(
        sealed_repo, "plaintext-roster", author, "2025-11-06", *args, capsys=capsys
    )
    errors = [f for f in found if f["severity"] == "error"]
    assert code == 1 and [(f["rule"], f["field"]) for f in errors] == [
        ("sealed-plaintext", "conditions.faculty.roster")
    ]
    assert "未加密的明文" in errors[0]["message"] and "cebase seal" in errors[0]["message"]
    roster = SEAL / "negative/plaintext-roster/submissions" / APPLICANT / "2026/application.yaml"
    names = ("杨某某", "赵某某", "示例合作单位")  # the roster's own words (not the institution's)
    assert all(n in roster.read_text("utf-8") for n in names)  # what the pull request typed
    reports = [json.dumps(found, ensure_ascii=False)]
    reports += [f.read_text("utf-8") for f in tmp_path.iterdir()]
    assert len(reports) > 1
    for text in reports:  # the findings, the PR comment and the report file
        assert not [n for n in names if n in text]


def test_templates_say_which_fields_are_sealed() -> None:
    text = render("institution", "x.json", {})
    marked = [line for line in text.splitlines() if "cebase seal" in line]
    assert [line.split("（")[0].strip("# ") for line in marked] == [
        "法定代表人",
        "经办人",
        "经办人手机",
    ]


def site_files(site: Path) -> dict[Path, bytes]:
    return {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_site_is_the_same_sealed_or_plain(tmp_path: Path, plain_examples: Path) -> None:
    """Nothing changes for the public: the sealed demo's site is the opened demo's, byte for
    byte, but for the public keys the forms seal to."""
    build_unvalidated(plain_examples, tmp_path / "site-plain")
    build_unvalidated(EXAMPLES, tmp_path / "site-sealed")
    a, b = site_files(tmp_path / "site-plain"), site_files(tmp_path / "site-sealed")
    assert a.keys() == b.keys() and len(a) > 10
    assert [str(k) for k in a if a[k] != b[k]] == ["forms/recipients.json"]
    listed = json.loads(b[Path("forms/recipients.json")])["recipients"]
    assert listed == list(seal.read_policy(EXAMPLES).recipients) and listed
    assert json.loads(a[Path("forms/recipients.json")]) == {"recipients": []}


@pytest.mark.slow
def test_the_site_is_the_same_with_the_key_at_hand(tmp_path: Path) -> None:
    """The sealed demo's site built with the test key opening every sealed value is the site
    built without it, byte for byte: the key never changes what the public sees."""
    build_unvalidated(EXAMPLES, tmp_path / "without")
    build_unvalidated(EXAMPLES, tmp_path / "with", keys=keyring(EXAMPLES, KEY))
    without, with_key = site_files(tmp_path / "without"), site_files(tmp_path / "with")
    assert len(without) > 10 and with_key == without
    listed = seal.read_policy(EXAMPLES).recipients
    assert listed and f'"{listed[0]}"'.encode() in without[Path("forms/recipients.json")]
