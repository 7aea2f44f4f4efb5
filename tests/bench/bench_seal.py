"""Benchmark: what sealing costs `cebase validate`, and what sealing a registry costs.

Not a test: run it by hand (`python tests/bench/bench_seal.py 200 1000`) and read
the table. For each size it times, as medians of a few runs in this process:
- a plain registry with the keyring hook off and on (the hook's cost where nothing is sealed);
- the same registry after `cebase reseal` to the TEST key: without the key (values held)
  and with it (every sealed value decrypted with pyrage);
- `cebase reseal` itself, once.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from synth import make_registry

from cebase.cli import main as cli
from cebase.registry import scan
from cebase.seal import Keyring, read_identities, read_policy
from cebase.validate import validate

REPO = Path(__file__).resolve().parents[2]
SEAL = REPO / "tests" / "fixtures" / "seal"
KEY = SEAL / "test-identity.TEST-ONLY.txt"
NOW = date(2025, 12, 22)


def timed(root: Path, hook: str) -> float:
    start = time.perf_counter()
    reg = scan(root)
    if hook == "off":
        for rec in reg.records():
            rec.keys = None
    elif hook == "key":
        reg.unlock(Keyring(read_policy(root), tuple(read_identities(KEY))))
    validate(reg, now=NOW)
    return time.perf_counter() - start


def main(sizes: list[int], repeat: int = 3) -> None:
    print(
        "| institutions | plain, hook off (s) | plain, hook on (s) | sealed, no key (s) | sealed, key (s) | reseal (s) |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "registry"
            make_registry(root, n, plain=True)
            off = statistics.median(timed(root, "off") for _ in range(repeat))
            on = statistics.median(timed(root, "on") for _ in range(repeat))
            shutil.copy(REPO / "examples" / "cycles" / "recipients.txt", root / "cycles")
            start = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                cli(["reseal", "--root", str(root), "--identity", str(KEY)])
            reseal = time.perf_counter() - start
            held = statistics.median(timed(root, "on") for _ in range(repeat))
            opened = statistics.median(timed(root, "key") for _ in range(repeat))
            print(f"| {n} | {off:.2f} | {on:.2f} | {held:.2f} | {opened:.2f} | {reseal:.2f} |")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100, 500])
