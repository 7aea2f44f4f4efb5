"""Benchmark (a script, not a test): `cebase remind` against `cebase status` on large registries.

    .venv/bin/python tests/bench/bench_remind.py [N ...]      (default: 200 2000)

For each N it clones the demo registry to N institutions and, at 2025-11-04
(the notice's window), times `cebase status --format json` and
`cebase remind --format json` (first run, then the same day again with the
first run's issue body as the record), the median of a few runs each. It also
reports the size of the tracking issue's body against GitHub's limit of 65,536
characters for an issue body, since the workflow writes it there.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import make_registry

CEBASE = [sys.executable, "-m", "cebase"]
NOW = "2025-11-04"
REPEAT = 5
GITHUB_BODY_LIMIT = 65_536


def timed(argv: list[str]) -> tuple[float, str]:
    times, out = [], ""
    for _ in range(REPEAT):
        start = time.perf_counter()
        proc = subprocess.run(argv, capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - start)
        out = proc.stdout
    return statistics.median(times), out


def main(sizes: list[int]) -> None:
    print(
        "| N | status s | remind s | ratio | again s | owed | mentioned | again mentioned | body chars | of limit |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "reg"
            make_registry(root, n)
            base = ["--root", str(root), "--now", NOW, "--format", "json"]
            t_status, _ = timed([*CEBASE, "status", *base])
            t_remind, out = timed([*CEBASE, "remind", *base])
            first = json.loads(out)
            record = Path(tmp) / "body.md"
            record.write_text(first["body"], encoding="utf-8")
            t_again, out = timed([*CEBASE, "remind", *base, "--record", str(record)])
            again = json.loads(out)
            chars = len(first["body"])
            print(
                f"| {n} | {t_status:.2f} | {t_remind:.2f} | {t_remind / t_status:.2f} "
                f"| {t_again:.2f} | {len(first['owed'])} | {len(first['mentions'])} "
                f"| {len(again['mentions'])} | {chars} | {chars / GITHUB_BODY_LIMIT:.0%} |"
            )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [200, 2000])
