"""Benchmark (a script, not a test): the site build against a plain mkdocs-material build.

    .venv/bin/python tests/bench/bench_site.py [N ...]      (default: 200 2000 10000)

For each N it clones the demo registry to N institutions (fresh valid USCCs),
times the whole site build (validate, status, pages, MkDocs), and, in the same
run, a plain mkdocs-material build (default search, a short nav) of as many
simple Markdown pages as our build rendered. It reports times, site sizes,
search-index sizes and the largest page outside the directory and open data
(which must not grow with N). For the record it also times `cebase validate`
alone (one process), the part of the build that a plain build does not do.
"""

from __future__ import annotations

import logging
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import make_registry

from cebase.registry import scan
from cebase.site.build import build_site, run_mkdocs
from cebase.validate import validate

NOW = date(2025, 12, 22)
# pages whose size may grow with N: the directory, open data, and the engine's own listings
GROWING = ("bases/index.html", "data/", "search/", "sitemap.xml", "notices/")


def size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def largest_bounded_page(site: Path) -> tuple[str, int]:
    pages = [
        (f.relative_to(site).as_posix(), f.stat().st_size)
        for f in site.rglob("*.html")
        if not f.relative_to(site).as_posix().startswith(GROWING)
    ]
    return max(pages, key=lambda p: p[1])


def ours(root: Path, out: Path) -> tuple[float, int, str]:
    """The whole `cebase build`: validate, status, pages, MkDocs, atomic swap."""
    t0 = time.perf_counter()
    result = build_site(root, out, NOW, git_dates=False)
    if not result.ok:
        raise SystemExit(
            f"build failed: {[f.location() for f in result.findings][:5]} {result.messages}"
        )
    return time.perf_counter() - t0, result.pages, f"校验 {result.files} 个文件，通过"


def validation_alone(root: Path) -> float:
    t0 = time.perf_counter()
    validate(scan(root), now=NOW)
    return time.perf_counter() - t0


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
        "site_name: 对照站点\ntheme:\n  name: material\nplugins:\n  - search\n"
        f"docs_dir: {docs}\nsite_dir: {work / 'site'}\nnav:\n  - 首页: index.md\n"
        "  - 页面: p00000.md\n",
        "utf-8",
    )
    t0 = time.perf_counter()
    try:
        run_mkdocs(work / "mkdocs.yml", NOW)
    except Exception as exc:  # plain pages not in nav are only INFO; report anything else
        print(f"  对照构建出错：{exc}")
    return time.perf_counter() - t0


def main(argv: list[str]) -> int:
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    sizes = [int(a) for a in argv] or [200, 2000, 10000]
    print(
        "N, 本工具耗时(s), 页数, 对照耗时(s), 倍数, 网站大小(MB), 对照大小(MB), "
        "搜索索引(MB), 对照索引(MB), 最大的固定页面(KB), 单独校验(s)"
    )
    for n in sizes:
        work = Path(tempfile.mkdtemp(prefix=f"bench-site-{n}-"))
        try:
            root = work / "registry"
            make_registry(root, n)
            secs, pages, note = ours(root, work / "site")
            psecs = plain(pages, work / "plain")
            s_ours = size(work / "site")
            s_plain = size(work / "plain" / "site")
            i_ours = (work / "site" / "search" / "search_index.json").stat().st_size
            i_plain = (work / "plain" / "site" / "search" / "search_index.json").stat().st_size
            page, psize = largest_bounded_page(work / "site")
            vsecs = validation_alone(root)
            print(
                f"{n}, {secs:.1f}, {pages}, {psecs:.1f}, {secs / psecs:.2f}, {s_ours / 1e6:.1f}, "
                f"{s_plain / 1e6:.1f}, {i_ours / 1e6:.2f}, {i_plain / 1e6:.2f}, "
                f"{psize / 1e3:.0f} ({page}), {vsecs:.1f}; {note}",
                flush=True,
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print("（同一次运行中依次构建；时间为墙钟时间）")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
