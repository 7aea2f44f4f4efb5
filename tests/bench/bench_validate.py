"""Benchmark: `cebase validate` against check-jsonschema on the same files and schemas.

Not a test: run it by hand (`make bench` or `python tests/bench/bench_validate.py 200 2000`)
and read the table (``--plain``: clones of the demo opened, not sealed; see synth.py). check-jsonschema cannot resolve our `urn:` references, so
this script gives it the same schemas with every reference inlined, and first
checks that it accepts the generated files (a tool that stops at an error is
not doing the same work).
check-jsonschema runs once per file kind, as a user would run it; cebase runs
once over the whole registry and checks more (every rule, not just the schema).

To compare two versions side by side on a busy machine, point CEBASE_BASELINE
at the other checkout's ``scripts/`` folder: its cebase is timed in the same
interleaved loop and gets its own columns.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synth import make_registry

from cebase import schemas

BIN = Path(sys.executable).parent
BASELINE = os.environ.get("CEBASE_BASELINE")
KIND_GLOBS = {
    "institution": "submissions/*/institution.yaml",
    "application": "submissions/*/*/application.yaml",
    "assessment": "submissions/*/*/assessment.yaml",
    "review": "submissions/*/*/review.yaml",
    "cycle": "cycles/*/cycle.yaml",
    "specialties": "cycles/*/specialties.yaml",
    "rubric": "cycles/*/rubric.yaml",
    "checklists": "cycles/*/checklists.yaml",
}


def inline_schemas(out: Path) -> dict[str, Path]:
    """Our schemas with every reference inlined (exactly what our validator checks against)."""
    paths = {}
    for kind in KIND_GLOBS:
        schema = schemas._inline(schemas.schema(kind))
        schema.pop("$id", None)
        paths[kind] = out / f"{kind}.json"
        paths[kind].write_text(json.dumps(schema, ensure_ascii=False), "utf-8")
    return paths


def verdicts_agree(root: Path, schema_files: dict[str, Path], files: dict[str, list[str]]) -> None:
    """Both tools must accept the generated registry, or the timing compares nothing."""
    for kind, fs in files.items():
        proc = subprocess.run(
            [str(BIN / "check-jsonschema"), "--schemafile", str(schema_files[kind]), *fs[:50]],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise SystemExit(
                f"check-jsonschema rejects {kind} files:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}"
            )


def timed(cmds: list[list[str]], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    for cmd in cmds:
        subprocess.run(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env
        )
    return time.perf_counter() - start


def main(sizes: list[int], repeat: int = 3, *, plain: bool = False) -> None:
    base_env = {**os.environ, "PYTHONPATH": BASELINE} if BASELINE else None
    print(
        f"{'N':>6} {'files':>7} {'cebase s':>9} {'check-jsonschema s':>19} {'ratio':>6}"
        f" {'paired ratio':>14}"
        + (f" {'baseline s':>11} {'baseline ratio':>15}" if base_env else "")
    )
    with tempfile.TemporaryDirectory() as tmp:
        schemas_ = inline_schemas(Path(tmp))
        for n in sizes:
            root = Path(tmp) / f"reg{n}"
            make_registry(root, n, plain=plain)
            files = {k: sorted(str(p) for p in root.glob(g)) for k, g in KIND_GLOBS.items()}
            total = sum(len(v) for v in files.values())
            verdicts_agree(root, schemas_, files)
            ours = [[str(BIN / "cebase"), "validate", "--root", str(root), "--format", "json"]]
            theirs = [
                [str(BIN / "check-jsonschema"), "--schemafile", str(schemas_[k]), *fs]
                for k, fs in files.items()
                if fs
            ]
            # Interleaved, so that a busy machine slows every side alike.
            times = [
                (timed(ours), timed(theirs), timed(ours, base_env) if base_env else 0.0)
                for _ in range(repeat)
            ]
            a = statistics.median(t[0] for t in times)
            b = statistics.median(t[1] for t in times)
            ratio = statistics.median(t[1] / t[0] for t in times)
            line = f"{n:>6} {total:>7} {a:>9.2f} {b:>19.2f} {b / a:>5.1f}× {ratio:>13.1f}×"
            if base_env:
                c = statistics.median(t[2] for t in times)
                line += f" {c:>11.2f} {statistics.median(t[1] / t[2] for t in times):>14.1f}×"
            print(line, flush=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    main([int(a) for a in args if a.isdigit()] or [200, 1000, 2000, 4000], plain="--plain" in args)
