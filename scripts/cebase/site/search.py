"""Site search: Pagefind indexes the rendered pages after the engine has run.

The extended Pagefind binary (from the ``pagefind[extended]`` wheel, nothing
downloaded at run time) segments Chinese itself. Its index is split into
chunks that the browser fetches per query, so a page visit costs nothing and a
first search a few hundred kilobytes at any size of the registry.

What is indexed is said in the pages: our theme marks the content of every page
``data-pagefind-body`` (unless its front matter says ``search: exclude``), and
sections that only repeat other pages are wrapped in ``data-pagefind-ignore``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from .publish import BuildFailed

BUNDLE = "pagefind"  # the index's folder under the site, read by assets/js/search.js
# Pagefind's ready-made interfaces: our theme has its own results panel.
UNUSED = (
    "pagefind-ui.*",
    "pagefind-component-ui.*",
    "pagefind-modular-ui.*",
    "pagefind-highlight.js",
)


def executable() -> str:
    try:
        from pagefind_bin_extended import get_executable
    except ImportError as exc:  # a declared dependency: pagefind[extended]
        raise BuildFailed("缺少站内搜索组件 Pagefind，请重新安装本工具：pip install .") from exc
    return str(get_executable())


def index(site: Path) -> None:
    """Write the search index of the rendered ``site`` into ``site/pagefind/``."""
    cmd = [executable(), "--site", str(site), "--output-subdir", BUNDLE, "--keep-index-url"]
    done = subprocess.run(
        [*cmd, "--silent"], capture_output=True, text=True, encoding="utf-8", check=False
    )
    if done.returncode != 0 or not (site / BUNDLE / "pagefind.js").is_file():
        detail = (done.stderr or done.stdout).strip()[-2000:]
        raise BuildFailed(f"站内搜索索引生成失败（Pagefind，退出码 {done.returncode}）：{detail}")
    for pattern in UNUSED:
        for f in (site / BUNDLE).glob(pattern):
            f.unlink()
