"""Benchmark (a script, not a test): the site build beside a plain mkdocs-material build.

    .venv/bin/python tests/bench/bench_site.py [N ...] [--before SRC] [--no-browser] [--plain]

For each N (default 200 2000 10000) it clones the demo registry to N
institutions (sealed, as the demo is; ``--plain``: the demo opened, see synth.py) and, in the same run, one after the other:

- times `build_site` (validate, status, pages, engine, Pagefind, swap) stage by stage;
- times a plain mkdocs-material build (its default search) of as many simple pages;
- with ``--before SRC`` (a checkout of an earlier commit), times that commit's build
  of the same registry in a fresh process;
- serves each site and measures in Chromium the bytes fetched by a first visit to a
  base page (empty cache) and then by a first search for 天山区.

Issue 9's figure: what we do around the engine (loading and the schema, status,
pages, waiting for the rules, which run beside the status and pages in a forked
child, swap) against the engine's own time on our staged pages, with and without
the search indexer counted on the engine's side (MkDocs' search plugin ran inside
the engine before Pagefind replaced it). ``around`` is the wall clock of the whole
build less the engine and the indexer, so nothing done between stages escapes it.
"""

from __future__ import annotations

import functools
import http.server
import json
import logging
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import REPO, make_registry

from cebase.site.engine import render

NOW = date(2025, 12, 22)
CHROMIUM = "/usr/bin/chromium"
TERM = "天山区"


def size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


BUILD = """
import json, logging, sys, time
from datetime import date
from pathlib import Path
sys.path.insert(0, sys.argv[1] + "/scripts")
logging.getLogger("mkdocs").setLevel(logging.ERROR)
from cebase.site.build import build_site
t0 = time.perf_counter()
r = build_site(Path(sys.argv[2]), Path(sys.argv[3]), date(2025, 12, 22), git_dates=False)
secs = time.perf_counter() - t0
print(json.dumps({"ok": r.ok, "secs": secs, "pages": r.pages, "timings": dict(r.timings),
                  "first": [f.location() for f in r.findings][:5]}))
"""


def build(src: Path, root: Path, out: Path) -> dict:
    """A build by the checkout at ``src``, in a fresh process of its own.

    Fresh, so that no earlier build's objects weigh on it, and single-threaded
    (the browser's threads live in this process), as a build runs in CI.
    """
    done = subprocess.run(
        [sys.executable, "-c", BUILD, str(src), str(root), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    got = json.loads(done.stdout.splitlines()[-1])
    if not got["ok"]:
        raise SystemExit(f"build by {src} failed: {got['first']} {done.stderr[-500:]}")
    return got


def ours(root: Path, out: Path) -> tuple[float, int, dict[str, float]]:
    got = build(REPO, root, out)
    return got["secs"], got["pages"], got["timings"]


def before(src: Path, root: Path, out: Path) -> tuple[float, float]:
    """The earlier commit's build of the same registry: seconds, and around ÷ engine."""
    got = build(src, root, out)
    t = got["timings"]
    return got["secs"], (got["secs"] - t["engine"] - t["search"]) / t["engine"]


def plain(pages: int, work: Path) -> float:
    docs = work / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# 首页\n\n示例站点。\n", "utf-8")
    for i in range(pages):
        (docs / f"p{i:05d}.md").write_text(
            f"# 示例页面 {i}\n\n这是第 {i} 个示例页面，用于比较生成速度。\n\n"
            "| 项目 | 内容 |\n|---|---|\n| 所在区 | 天山区 |\n| 单位性质 | 高等院校 |\n",
            "utf-8",
        )
    (work / "mkdocs.yml").write_text(
        "site_name: 对照站点\ntheme:\n  name: material\n  language: zh\nplugins:\n  - search\n"
        f"docs_dir: {docs}\nsite_dir: {work / 'site'}\nnav:\n  - 首页: index.md\n"
        "  - 页面: p00000.md\n",
        "utf-8",
    )
    t0 = time.perf_counter()
    try:
        render(work / "mkdocs.yml", NOW)
    except Exception as exc:  # plain pages not in nav are only INFO; report anything else
        print(f"  对照构建出错：{exc}")
    return time.perf_counter() - t0


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def fetched(browser, site: Path, page: str, search: str, box: str) -> tuple[int, int]:
    """Bytes of a first visit to ``page`` (empty cache), then of a first search."""
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    ctx = browser.new_context()
    pg = ctx.new_page()
    sizes: list[int] = []
    pg.on("requestfinished", lambda r: sizes.append(r.sizes()["responseBodySize"]))
    try:
        pg.goto(f"{url}/{page}")
        pg.wait_for_load_state("networkidle")
        visit = sum(sizes)
        pg.locator(box).first.click()
        pg.keyboard.type(search, delay=30)
        pg.keyboard.press("End")
        pg.wait_for_timeout(300)
        pg.wait_for_load_state("networkidle")
        pg.locator(f"{search_results(box)} a").first.wait_for(timeout=60000)
        pg.wait_for_load_state("networkidle")
        return visit, sum(sizes) - visit
    finally:
        ctx.close()
        httpd.shutdown()
        httpd.server_close()


def search_results(box: str) -> str:
    return "#ce-search-results" if box.startswith("#ce") else ".md-search-result__list"


def row(n: int, work: Path, browser, src: Path | None, opened: bool = False) -> None:
    root = work / "registry"
    make_registry(root, n, plain=opened)
    secs, pages, t = ours(root, work / "site")
    psecs = plain(pages, work / "plain")
    old, old_around = before(src, root, work / "before") if src else (float("nan"),) * 2
    engine, index = t["engine"], t["search"]
    around = secs - engine - index
    cells = [
        f"{n}",
        f"{secs:.1f}",
        f"{old:.1f}",
        f"{psecs:.1f}",
        f"{secs / psecs:.2f}",
        f"{engine:.1f}",
        f"{index:.1f}",
        "/".join(
            f"{t.get(k, 0.0):.1f}" for k in ("validate", "status", "pages", "rules", "publish")
        ),
        f"{around / engine:.0%}",
        f"{old_around:.0%}",
        f"{around / (engine + index):.0%}",
        f"{1000 * secs / n:.1f}",
        f"{size(work / 'site') / 1e6:.1f}",
        f"{size(work / 'plain' / 'site') / 1e6:.1f}",
    ]
    if browser is not None:
        uscc = json.loads((work / "site/data/bases.json").read_text("utf-8"))["bases"][0]["uscc"]
        v, s = fetched(browser, work / "site", f"bases/{uscc}.html", TERM, "#ce-search-input")
        pv, ps = fetched(
            browser, work / "plain/site", "p00001/index.html", TERM, ".md-search__input"
        )
        cells += [f"{v / 1e3:.0f}", f"{s / 1e3:.0f}", f"{pv / 1e3:.0f}", f"{ps / 1e3:.0f}"]
        if src:  # the earlier commit's site: the engine's search index comes with every visit
            page = f"bases/{uscc}.html"
            bv, bs = fetched(browser, work / "before", page, TERM, ".md-search__input")
            cells += [f"{bv / 1e3:.0f}", f"{bs / 1e3:.0f}"]
    print(", ".join(cells), flush=True)


HEADER = (
    "N, 本工具(s), 改前(s), 对照(s), 本工具/对照, 引擎(s), Pagefind(s), "
    "读取与模式校验/状态/生成/等待规则/替换(s), 引擎外/引擎, 改前引擎外/引擎, 引擎外/(引擎+索引), 每千个单位(s), "
    "网站(MB), 对照网站(MB)"
)
BROWSER_HEADER = (
    ", 首次访问基地页(KB), 首次搜索(KB), 对照首次访问(KB), 对照首次搜索(KB)"
    "[, 改前首次访问(KB), 改前首次搜索(KB)]"
)


def main(argv: list[str]) -> int:
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    src = Path(argv[argv.index("--before") + 1]).resolve() if "--before" in argv else None
    sizes = [int(a) for a in argv if a.isdigit()] or [200, 2000, 10000]
    browse = "--no-browser" not in argv and Path(CHROMIUM).exists()
    print(HEADER + (BROWSER_HEADER if browse else ""))
    with Chromium(browse) as browser:
        for n in sizes:
            work = Path(tempfile.mkdtemp(prefix=f"bench-site-{n}-"))
            try:
                row(n, work, browser, src, "--plain" in argv)
            finally:
                shutil.rmtree(work, ignore_errors=True)
    print("（同一次运行中依次构建；时间为墙钟时间；字节为浏览器收到的响应体，未压缩传输）")
    return 0


class Chromium:
    """Debian's Chromium through Playwright, or None."""

    def __init__(self, wanted: bool) -> None:
        self.wanted = wanted

    def __enter__(self):
        if not self.wanted:
            return None
        from playwright.sync_api import sync_playwright

        self.pw = sync_playwright().start()
        self.browser = self.pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        return self.browser

    def __exit__(self, *exc: object) -> None:
        if self.wanted:
            self.browser.close()
            self.pw.stop()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
