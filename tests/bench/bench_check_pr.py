"""Benchmark: `cebase check-pr` for a one-institution pull request against `cebase validate` of that institution.

Not a test: run it by hand (`python tests/bench/bench_check_pr.py [N] [COUNTS] [--plain]`,
default 2000 and 1000,2000,10000; ``--plain``: clones of the demo opened, see synth.py) and
read the figures. The target (issue 4) is check-pr < 2x validate-one: the gate must only
read and validate what the pull request touches, however large the registry.

A second table times pull requests that add many unreferenced attachments to one
folder (issue 15: 10,000 took 404 s, quadratic); the time per file should stay flat.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from synth import make_registry

CEBASE = [sys.executable, "-m", "cebase"]
NOW = "2025-11-06"  # before the demo deadline, so the change is on time
REPEAT = 5


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "-c",
            "user.name=bench",
            "-c",
            "user.email=bench@example.cn",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        check=True,
        capture_output=True,
    )


def pick(reg: Path, codes: list[str]) -> str:
    """An institution with an unreviewed self-inspection: the commonest kind of pull request."""
    for code in codes:
        folder = reg / "submissions" / code / "2026"
        if (folder / "self-report.md").is_file() and not (folder / "review.yaml").exists():
            return code
    raise SystemExit("no institution with an unreviewed self-inspection in the synthetic registry")


def median_seconds(cmd: list[str]) -> tuple[float, int]:
    times, code = [], 0
    for _ in range(REPEAT):
        start = time.perf_counter()
        code = subprocess.run(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
        ).returncode
        times.append(time.perf_counter() - start)
    return statistics.median(times), code


def main(n: int, counts: tuple[int, ...] = (1_000, 2_000, 10_000), *, plain: bool = False) -> None:
    with tempfile.TemporaryDirectory(prefix="cebase-bench-") as tmp:
        reg = Path(tmp) / "registry"
        t0 = time.perf_counter()
        codes = make_registry(reg, n, plain=plain)
        git(reg, "init", "-q", "-b", "main")
        git(reg, "add", "-A")
        git(reg, "commit", "-q", "-m", "synthetic registry")
        code = pick(reg, codes)
        git(reg, "checkout", "-q", "-b", "pr")
        with (reg / "submissions" / code / "2026" / "self-report.md").open(
            "a", encoding="utf-8"
        ) as fh:
            fh.write("\n\n补充说明：本年度培训工作总结已按要求更新。\n")
        git(reg, "commit", "-q", "-am", "update self-report")
        files = sum(1 for p in (reg / "submissions").rglob("*") if p.is_file())
        print(
            f"registry: {n} institutions, {files} files under submissions/ (built in {time.perf_counter() - t0:.1f} s)"
        )
        inst = yaml.safe_load((reg / "submissions" / code / "institution.yaml").read_text("utf-8"))
        author = inst["maintainers"][0]
        gate = [
            *CEBASE,
            "check-pr",
            "--root",
            str(reg),
            "--base",
            "main",
            "--head",
            "pr",
            "--author",
            author,
            "--now",
            NOW,
            "--format",
            "github",
            "--report-dir",  # as the workflow runs it: the report with its checklists
            str(Path(tmp) / "pr-report"),
            "--forms-dir",  # and the printable forms of the changed submission
            str(Path(tmp) / "forms"),
        ]
        one = [*CEBASE, "validate", "--root", str(reg), "--now", NOW, f"submissions/{code}"]
        t_gate, rc_gate = median_seconds(gate)
        t_bare, rc_bare = median_seconds(gate[:-4])
        t_one, rc_one = median_seconds(one)
        forms = sorted(p.name for p in (Path(tmp) / "forms").glob("*.html"))
        print(f"changed institution: submissions/{code} (author {author}); forms: {forms}")
        print(f"check-pr (workflow) median of {REPEAT}: {t_gate:.3f} s (exit {rc_gate})")
        print(f"  without reports   median of {REPEAT}: {t_bare:.3f} s (exit {rc_bare})")
        print(f"validate <folder>   median of {REPEAT}: {t_one:.3f} s (exit {rc_one})")
        ratio = t_gate / t_one
        print(
            f"ratio check-pr / validate-one: {ratio:.2f} (target < 2.00) {'OK' if ratio < 2 else 'OVER TARGET'}"
        )
        attachments(reg, code, author, counts)


def attachments(reg: Path, code: str, author: str, counts: tuple[int, ...]) -> None:
    """check-pr of pull requests adding ``count`` small unreferenced PDFs to one folder."""
    print("unreferenced attachments in one PR   seconds   ms per file")
    for count in counts:
        git(reg, "checkout", "-q", "-f", "-B", f"many-{count}", "main")
        folder = reg / "submissions" / code / "2026" / "attachments"
        for i in range(count):
            (folder / f"extra-{i:05d}.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
        git(reg, "add", "-A")
        git(reg, "commit", "-q", "-m", f"{count} attachments")
        cmd = [*CEBASE, "check-pr", "--root", str(reg), "--base", "main", "--head", f"many-{count}"]
        start = time.perf_counter()
        subprocess.run([*cmd, "--author", author, "--now", NOW], capture_output=True, check=False)
        took = time.perf_counter() - start
        print(f"{count:>34,}   {took:7.2f}   {1000 * took / count:8.2f}")
    git(reg, "checkout", "-q", "-f", "main")


if __name__ == "__main__":
    # python tests/bench/bench_check_pr.py [N] [COUNT,COUNT,...] [--plain]
    argv = [a for a in sys.argv if a != "--plain"]
    n = int(argv[1]) if len(argv) > 1 else 2000
    counts = tuple(int(c) for c in argv[2].split(",")) if len(argv) > 2 else None
    main(n, *([counts] if counts else []), plain="--plain" in sys.argv)
