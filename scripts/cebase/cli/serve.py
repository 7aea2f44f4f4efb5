"""``cebase serve``: build into a temporary folder and serve it on 127.0.0.1."""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import sys
import tempfile
from pathlib import Path

from . import EXIT_OK
from .build import build
from .build import parents as parents  # same options as build


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，仅本机可访问）")
    p.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    p.set_defaults(site_url=None)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def run(args: argparse.Namespace) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="cebase-serve-"))
    try:
        out = tmp / "site"
        code = build(args, out)
        if code != EXIT_OK:
            return code
        handler = functools.partial(_Quiet, directory=str(out))
        with http.server.ThreadingHTTPServer((args.host, args.port), handler) as httpd:
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
        shutil.rmtree(tmp, ignore_errors=True)
