"""The demo registry is sealed to the TEST key: helpers that open it for tests and benchmarks.

The identity in ``fixtures/seal/`` is test-only (仅供测试，切勿用于真实数据): its secret
key is public in this repository, which is what lets a test read the demo's sealed values.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
EXAMPLES = REPO / "examples"
TEST_KEY = TESTS / "fixtures" / "seal" / "test-identity.TEST-ONLY.txt"
RECIPIENTS = Path("cycles") / "recipients.txt"
SEALED_SUFFIX = ".age"


def keyring_for(root: Path = EXAMPLES, identity: Path = TEST_KEY) -> Any:
    """The registry's policy with the test identity: what ``--identity TEST_KEY`` gives a command."""
    from cebase.seal import Keyring, read_identities, read_policy

    return Keyring(read_policy(root), tuple(read_identities(identity)))


def unlocked(root: Path = EXAMPLES) -> Any:
    """The registry at ``root``, scanned and unlocked with the test identity."""
    from cebase.registry import scan

    reg = scan(root)
    reg.unlock(keyring_for(root))
    return reg


def copy_cycles(dest: Path, source: Path = EXAMPLES) -> Path:
    """The registry's cycles without its recipients file: a plain policy, for tests of other things."""
    shutil.copytree(source / "cycles", dest, ignore=shutil.ignore_patterns(RECIPIENTS.name))
    return dest


def open_copy(dest: Path, source: Path = EXAMPLES, identity: Path = TEST_KEY) -> Path:
    """A plain copy of a sealed registry, made with ``cebase open``.

    Every record under ``submissions/`` is opened in place and every ``name.pdf.age``
    becomes ``name.pdf``; the recipients file is dropped, so the copy's policy is plain.
    """
    from cebase.cli import main

    shutil.copytree(source, dest)
    for file in sorted((dest / "submissions").rglob("*")):
        if file.suffix == ".yaml":
            out = file
        elif file.name.endswith(SEALED_SUFFIX):
            out = file.with_name(file.name.removesuffix(SEALED_SUFFIX))
        else:
            continue
        rel = file.relative_to(dest).as_posix()
        argv = ["open", "--root", str(dest), rel, "--identity", str(identity), "-o", str(out)]
        if main(argv) != 0:
            raise RuntimeError(f"cebase open failed on {rel}")
        if out != file:
            file.unlink()
    (dest / RECIPIENTS).unlink(missing_ok=True)
    return dest
