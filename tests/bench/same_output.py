"""Does a change to the checking core keep every finding? Save outputs, then compare.

Not a test: run it by hand around a speed-up.

    python tests/bench/same_output.py save BEFORE_DIR
    ... change the code ...
    python tests/bench/same_output.py compare BEFORE_DIR

It runs ``cebase validate --format json`` (exit code and stdout, byte for byte)
on the demo registry, on every fixture tree under tests/fixtures/ (a tree
without cycles is checked against the demo's cycles, as the tests do) and on
a synthetic registry with every negative fixture planted into its clones.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from synth import EXAMPLES, REPO, make_registry

BIN = Path(sys.executable).parent
FIXTURES = REPO / "tests" / "fixtures"
SYNTH_N = 300


def _trees() -> list[Path]:
    """Every fixture folder that is a registry (or the submissions part of one)."""
    return sorted(
        p
        for p in FIXTURES.rglob("*")
        if p.is_dir() and (p / "submissions").is_dir() and p.name != "submissions"
    )


def _assemble(case: Path, dest: Path) -> Path:
    shutil.copytree(case, dest)
    if not (dest / "cycles").exists():
        shutil.copytree(EXAMPLES / "cycles", dest / "cycles")
    return dest


def _planted(dest: Path) -> Path:
    """A synthetic registry whose clones carry the negative fixtures' mistakes."""
    codes = make_registry(dest, SYNTH_N)
    cases = sorted(p for p in (FIXTURES / "records" / "negative").iterdir() if p.is_dir())
    k = 0
    for case in cases:
        for folder in sorted((case / "submissions").iterdir()):
            target = dest / "submissions" / codes[k * 7 % len(codes)]
            k += 1
            shutil.rmtree(target, ignore_errors=True)
            if not folder.is_dir():
                continue
            shutil.copytree(folder, target)
            for f in target.rglob("*.yaml"):
                raw = f.read_bytes()
                f.write_bytes(raw.replace(folder.name.encode(), target.name.encode()))
    return dest


def _run(root: Path) -> bytes:
    proc = subprocess.run(
        [str(BIN / "cebase"), "validate", "--root", str(root), "--format", "json"],
        capture_output=True,
        check=False,
        cwd=root,
    )
    return f"exit {proc.returncode}\n".encode() + proc.stdout + proc.stderr


def outputs() -> dict[str, bytes]:
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        out["demo"] = _run(_assemble(EXAMPLES, base / "demo"))
        for case in _trees():
            name = str(case.relative_to(FIXTURES)).replace("/", "__")
            out[name] = _run(_assemble(case, base / name))
        out["synthetic-planted"] = _run(_planted(base / "synthetic"))
    return out


def main(verb: str, folder: str) -> int:
    where = Path(folder)
    got = outputs()
    if verb == "save":
        where.mkdir(parents=True, exist_ok=True)
        for name, data in got.items():
            (where / f"{name}.out").write_bytes(data)
        print(f"saved {len(got)} outputs")
        return 0
    differ = [n for n, d in got.items() if (where / f"{n}.out").read_bytes() != d]
    missing = sorted({p.stem for p in where.glob("*.out")} - set(got))
    print(f"{len(got)} outputs compared, {len(differ)} differ, {len(missing)} missing")
    for n in differ + missing:
        print("  differs:", n)
    return 1 if differ or missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
