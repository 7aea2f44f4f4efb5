"""`cebase serve`: builds, serves on loopback, stops cleanly, explains a busy port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from .conftest import DEMO_DATE, EXAMPLES, REPO

pytestmark = pytest.mark.slow


def serve(*extra: str, tmp: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cebase",
            "serve",
            "--root",
            str(EXAMPLES),
            "--now",
            DEMO_DATE,
            *extra,
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp)},
    )


def test_serves_the_demo_and_cleans_up_on_sigterm(tmp_path: Path) -> None:
    proc = serve("--port", "0", tmp=tmp_path)
    try:
        # the findings come first: the demo is sealed, so the checks that read personal
        # values are listed as waiting for the bureau's key (info), then the address
        lines = iter(proc.stdout.readline, "")  # type: ignore[union-attr]
        line = next((x for x in lines if "网站已生成" in x or "error[" in x), "")
        assert "网站已生成" in line, line
        url = line.split("打开 ")[1].split(" ")[0]
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url, timeout=10) as response:
            assert "继续教育基地" in response.read().decode("utf-8")
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "已停止" in out
    assert [p for p in tmp_path.iterdir() if p.name.startswith("cebase-serve-")] == []


def test_a_busy_port_is_explained(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        proc = serve("--port", str(busy.getsockname()[1]), tmp=tmp_path)
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2
    assert "端口可能已被占用" in err and "Traceback" not in err
    assert [p for p in tmp_path.iterdir() if p.name.startswith("cebase-serve-")] == []
