"""Trial (a script, not a test): Zensical beside MkDocs on our own staged pages.

    .venv/bin/python tests/bench/bench_zensical.py [N ...] [--zensical PATH]

Zensical (mkdocs-material's successor) is not a dependency: install it in a
virtual environment of its own (``python3 -m venv /tmp/z && /tmp/z/bin/pip
install zensical``) and pass its ``zensical`` command, or have it on PATH.

For each N (default 200 2000) it clones the demo registry, stages our pages
exactly as ``cebase build`` does, renders them with MkDocs (in this process,
as the build does) and with ``zensical build`` (relative paths: Zensical does
not take an absolute ``docs_dir``), and reports whether Zensical built, how
fast, how many pages it wrote, and whether our theme overrides (the search
box, the footer) came through.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import make_registry

from cebase.registry import scan
from cebase.site import engine
from cebase.site.build import footer, stage
from cebase.site.collect import collect
from cebase.status import evaluate

NOW = date(2025, 12, 22)


def staged(n: int, work: Path) -> Path:
    """Our pages for N institutions in ``work/docs`` and a config beside them."""
    root = work / "registry"
    make_registry(root, n)
    reg = scan(root)
    data = collect(reg, evaluate(reg, NOW), NOW, git_dates=False)
    stage(data, work / "docs", None)
    shutil.copytree(engine.shipped("docs") / "overrides", work / "overrides")
    config = engine.write_config(work, work / "docs", work / "site-mkdocs", footer(data), None)
    return config


def relative_config(config: Path, site: str) -> Path:
    cfg = yaml.safe_load(config.read_text("utf-8"))
    cfg.update(docs_dir="docs", site_dir=site)
    cfg["theme"]["custom_dir"] = "overrides"
    path = config.with_name("zensical.yml")
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), "utf-8")
    return path


def html_pages(site: Path) -> int:
    return sum(1 for _ in site.rglob("*.html")) if site.is_dir() else 0


def trial(n: int, zensical: str) -> str:
    work = Path(tempfile.mkdtemp(prefix=f"bench-zensical-{n}-"))
    try:
        config = staged(n, work)
        t0 = time.perf_counter()
        engine.render(config, NOW)
        mk = time.perf_counter() - t0
        zconfig = relative_config(config, "site-zensical")
        t0 = time.perf_counter()
        done = subprocess.run(
            [zensical, "build", "-f", zconfig.name, "--strict"],
            cwd=work,
            capture_output=True,
            text=True,
            check=False,
        )
        zs = time.perf_counter() - t0
        out = work / "site-zensical"
        home = (out / "index.html").read_text("utf-8") if (out / "index.html").is_file() else ""
        ok = done.returncode == 0 and bool(home)
        why = "" if ok else (done.stderr or done.stdout).strip().splitlines()[-1:]
        return ", ".join(
            [
                str(n),
                f"{mk:.1f}",
                f"{html_pages(work / 'site-mkdocs')}",
                "是" if ok else f"否（{why}）",
                f"{zs:.1f}",
                f"{zs / mk:.2f}",
                f"{html_pages(out)}",
                "是" if 'id="ce-search-input"' in home else "否",
                "是" if "主办单位" in home else "否",
            ]
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str]) -> int:
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    zensical = argv[argv.index("--zensical") + 1] if "--zensical" in argv else "zensical"
    if shutil.which(zensical) is None:
        print(f"找不到 zensical 命令（{zensical}），见本脚本开头的说明。")
        return 2
    version = subprocess.run([zensical, "--version"], capture_output=True, text=True).stdout
    print(f"Zensical {version.strip()}")
    print(
        "N, MkDocs(s), MkDocs 页数, Zensical 生成成功, Zensical(s), 倍数, Zensical 页数, 搜索框, 页脚"
    )
    for n in [int(a) for a in argv if a.isdigit()] or [200, 2000]:
        print(trial(n, zensical), flush=True)
    print("（同一份暂存页面；Zensical 用严格模式、相对路径）")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
