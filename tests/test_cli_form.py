"""``cebase form``: the paper forms 附件1/2/3, escaped, self-contained, printable to A4 PDF."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import DEMO_DATE, EXAMPLES, FIXTURES, TEST_KEY

CHROMIUM = "/usr/bin/chromium"
APPLICATION = "submissions/51650105DEM0F0067L/2026"  # 拟认定 and certified
ASSESSMENT = "submissions/12650105DEM0J0093K/2026"  # 优秀, with expert scores


def form(run_cli, root: Path, path: str, out: Path, *extra: str) -> tuple[int, str, str]:
    """A reviewer prints a form with the key: the demo's personal fields are sealed (to the TEST key)."""
    return run_cli(
        "form",
        "--root",
        str(root),
        "--now",
        DEMO_DATE,
        str(root / path),
        "-o",
        str(out),
        "--identity",
        str(TEST_KEY),
        *extra,
    )


def test_application_form(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "form1.html"
    code, stdout, _ = form(run_cli, EXAMPLES, APPLICATION, out)
    assert code == 0 and "附件1" in stdout
    html = out.read_text(encoding="utf-8")
    for text in (
        "乌鲁木齐市专业技术人员继续教育基地申报表",
        "填报单位（盖章）",
        "填报日期：2025年11月6日",
        "51650105DEM0F0067L",
        "GC-DZ-01",
        "软件与信息系统",
        "承诺人（签字）",
        "市人社局<br>审核意见",
    ):
        assert text in html, text
    assert "size: A4;" in html


def test_assessment_forms(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "form23.html"
    code, _, _ = form(run_cli, EXAMPLES, ASSESSMENT, out)
    assert code == 0
    html = out.read_text(encoding="utf-8")
    assert "考核评估表" in html and "收支情况统计表" in html
    assert ">95.32<" in html  # experts' trimmed-mean total
    assert "1,001,500.00" in html and "183,883.70" in html  # income total and balance


def test_only_one_form(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "form3.html"
    code, _, _ = form(run_cli, EXAMPLES, ASSESSMENT, out, "--form", "3")
    html = out.read_text(encoding="utf-8")
    assert code == 0 and "收支情况统计表" in html and "考核评估表" not in html
    code, _, err = form(run_cli, EXAMPLES, APPLICATION, tmp_path / "x.html", "--form", "2")
    assert code == 2 and "只能生成附件1" in err


def test_no_external_resources(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "f.html"
    form(run_cli, EXAMPLES, ASSESSMENT, out)
    html = out.read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=|url\(|@import|https?://(?!www\.|learn\.)""", html)


def test_values_are_escaped(run_cli, demo_copy: Path, tmp_path: Path) -> None:
    inst = demo_copy / "submissions/51650105DEM0F0067L/institution.yaml"
    text = inst.read_text(encoding="utf-8")
    inst.write_text(
        re.sub(r"(?m)^address: .*$", 'address: "<script>alert(1)</script>示例路"', text),
        encoding="utf-8",
    )
    out = tmp_path / "f.html"
    code, _, err = form(run_cli, demo_copy, APPLICATION, out)
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;示例路" in html


def test_printed_form_names_materials_and_leaves_signatures_blank(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "form1.html"
    assert form(run_cli, EXAMPLES, "submissions/52650102DEM0G00709/2026", out)[0] == 0
    html = out.read_text(encoding="utf-8")
    materials = html[html.index("<th>申报材料</th>") : html.index("<th>申报单位<br>承诺</th>")]
    assert "法人登记证书复印件（加盖单位印章）" in materials
    assert "申报基地的书面报告" in materials and "办学资质材料和证照扫描件（1 份）" in materials
    assert "申报表" not in materials  # the form does not list itself
    assert ".pdf" not in materials and "attachments/" not in materials
    signature = re.search(r"承诺人（签字）：<span class=\"blank\">(.*?)</span>", html)
    assert signature and signature.group(1) == ""
    for text in ("cebase", "一式两份", "submissions/", ".yaml"):
        assert text not in html, text
    assert 'content: "第 " counter(page) " 页　共 " counter(pages) " 页"' in html
    assert '@top-center { content: "附件1　乌鲁木齐市专业技术人员继续教育基地申报表"' in html


def without_scans(root: Path) -> Path:
    folder = root / "submissions/51650105DEM0F0067L/2026"
    text = (folder / "application.yaml").read_text("utf-8")
    text = re.sub(r"(?m)^  application_form: .*\n", "", text)
    text = re.sub(r"(?m)^(  legal_person_certificate:) .*$", r'\1 ""', text)
    (folder / "application.yaml").write_text(text, "utf-8")
    for name in ("application-form.pdf.age", "legal-person-certificate.png.age"):  # sealed scans
        (folder / "attachments" / name).unlink()
    return folder


def test_draft_when_only_stamped_scans_are_missing(
    run_cli, demo_copy: Path, tmp_path: Path
) -> None:
    without_scans(demo_copy)
    out = tmp_path / "draft.html"
    code, stdout, err = form(run_cli, demo_copy, APPLICATION, out)
    assert code == 0, err
    assert "草稿" in stdout
    assert "申报表（附件1）盖章扫描件" in stdout
    assert "法人登记证书复印件（加盖单位印章）扫描件" in stdout
    html = out.read_text(encoding="utf-8")
    assert '<div class="watermark" aria-hidden="true"><span>草稿（未盖章）</span></div>' in html


def test_draft_when_the_named_scan_is_not_uploaded(
    run_cli, demo_copy: Path, tmp_path: Path
) -> None:
    (demo_copy / APPLICATION / "attachments/application-form.pdf.age").unlink()
    out = tmp_path / "draft.html"
    code, stdout, err = form(run_cli, demo_copy, APPLICATION, out)
    assert code == 0, err
    assert "材料只差盖章扫描件：申报表（附件1）盖章扫描件。" in stdout
    assert "草稿（未盖章）" in out.read_text(encoding="utf-8")


def test_draft_of_an_assessment_without_its_stamped_forms(
    run_cli, demo_copy: Path, tmp_path: Path
) -> None:
    folder = demo_copy / ASSESSMENT
    for name in ("assessment-form.pdf.age", "finance-statement.pdf.age"):
        (folder / "attachments" / name).unlink()
    out = tmp_path / "draft23.html"
    code, stdout, err = form(run_cli, demo_copy, ASSESSMENT, out)
    assert code == 0, err
    assert "考核评估表（附件2）盖章扫描件、收支情况统计表（附件3）盖章扫描件" in stdout
    assert "草稿（未盖章）" in out.read_text(encoding="utf-8")


def test_other_errors_still_block_the_draft(run_cli, demo_copy: Path, tmp_path: Path) -> None:
    folder = without_scans(demo_copy)
    text = (folder / "application.yaml").read_text("utf-8")
    (folder / "application.yaml").write_text(text.replace('cycle: "2026"', "cycle: 2026x"), "utf-8")
    out = tmp_path / "x.html"
    code, _, err = form(run_cli, demo_copy, APPLICATION, out)
    assert code == 1 and "未生成表格" in err and not out.exists()


def test_findings_block_the_form(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "late.html"
    root = FIXTURES / "status" / "late-assessment"
    code, _, err = form(run_cli, root, "submissions/91650102DEM0T01784/2026", out)
    assert code == 1 and "error[deadline]" in err and not out.exists()


def test_not_a_submission(run_cli, tmp_path: Path) -> None:
    code, _, err = run_cli(
        "form",
        "--root",
        str(EXAMPLES),
        str(EXAMPLES / "cycles/2026"),
        "-o",
        str(tmp_path / "x.html"),
    )
    assert code == 2 and "不是一份材料的年度文件夹" in err


NEED_BROWSER = not Path(CHROMIUM).exists() and os.environ.get("CI") != "true"


@pytest.mark.browser
@pytest.mark.skipif(
    NEED_BROWSER, reason="需要 Debian 的 chromium（/usr/bin/chromium）；运行 make browser 安装"
)
@pytest.mark.parametrize(
    ("path", "forms", "pages"),
    [(APPLICATION, ["1"], 2), (ASSESSMENT, ["2"], 1), (ASSESSMENT, ["3"], 1)],
)
def test_prints_to_a4_pdf(run_cli, tmp_path: Path, path: str, forms: list[str], pages: int) -> None:
    from playwright.sync_api import sync_playwright

    out = tmp_path / "form.html"
    args = [a for f in forms for a in ("--form", f)]
    assert form(run_cli, EXAMPLES, path, out, *args)[0] == 0
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page()
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(out.as_uri())
            pdf = page.pdf(prefer_css_page_size=True)
            # A4 portrait in points, and nothing fetched besides the file itself
            boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
            assert boxes and all(
                abs(float(w) - 595.3) < 1 and abs(float(h) - 841.9) < 1 for w, h in boxes
            )
            assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == pages
            if shutil.which("pdftotext"):  # poppler-utils: read the page numbers back
                (tmp_path / "form.pdf").write_bytes(pdf)
                text = subprocess.run(
                    ["pdftotext", "-layout", str(tmp_path / "form.pdf"), "-"],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                assert text.count(f"共{pages}页") == pages, text
                assert text.count(f"附件{forms[0]}") >= pages + 1  # header on each page
            assert requests == [out.as_uri()]
            # no cell overflows its table (a wide number would push the border out)
            overflow = page.evaluate("""() => [...document.querySelectorAll('table.form')]
                .filter(t => t.scrollWidth > t.clientWidth + 1).length""")
            assert overflow == 0
        finally:
            browser.close()
