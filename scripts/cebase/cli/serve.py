"""``cebase serve``: build into a temporary folder and serve it on 127.0.0.1."""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import signal
import sys
import tempfile
from pathlib import Path

from . import EXIT_OK, UsageError
from .build import build
from .build import parents as parents  # same options as build


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，仅本机可访问）")
    p.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    p.set_defaults(site_url=None)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM ends like Ctrl+C, so the temporary site is removed


def run(args: argparse.Namespace) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="cebase-serve-"))
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        out = tmp / "site"
        code = build(args, out)
        if code != EXIT_OK:
            return code
        handler = functools.partial(_Quiet, directory=str(out))
        try:
            httpd = http.server.ThreadingHTTPServer((args.host, args.port), handler)
        except OSError as exc:
            raise UsageError(
                f"无法在 {args.host}:{args.port} 上启动预览（{exc.strerror or exc}）。"
                "端口可能已被占用，请用 --port 指定其他端口，例如 --port 8001。"
            ) from None
        with httpd:
            host, port = httpd.server_address[:2]
            sys.stdout.write(
                f"网站已生成，请在浏览器中打开 http://{host}:{port}/ （按 Ctrl+C 停止）\n"
            )
            sys.stdout.flush()
            try:
                httpd.serve_forever()
            except KeyboardInterrupt:
                sys.stdout.write("已停止。\n")
        return EXIT_OK
    finally:
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(tmp, ignore_errors=True)
