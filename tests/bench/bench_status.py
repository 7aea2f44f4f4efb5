"""Benchmark: the status engine and the notices over synthetic registries.

Usage: python tests/bench/bench_status.py [N ...]   (default 200 2000)
Prints, per N, the median of five runs of ``evaluate`` (every institution on the
demo date) and of ``notices`` over its output. The registry is loaded once
before timing: loading is the validator's benchmark, not this one.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from synth import make_registry

from cebase.registry import scan
from cebase.status import evaluate, notices

NOW = date(2025, 12, 22)
RUNS = 5


def _median(fn: Callable[..., object], *args: object) -> float:
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or [200, 2000]
    print("N, evaluate 中位数(s), 每单位(ms), notices 中位数(s), 公告数")
    for n in sizes:
        work = Path(tempfile.mkdtemp(prefix=f"bench-status-{n}-"))
        try:
            make_registry(work / "registry", n)
            reg = scan(work / "registry")
            statuses = evaluate(reg, NOW)  # loads every record once
            secs = _median(evaluate, reg, NOW)
            nsecs = _median(notices, statuses, NOW)
            count = len(notices(statuses, NOW))
            print(f"{n}, {secs:.3f}, {secs / n * 1000:.2f}, {nsecs:.4f}, {count}", flush=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
