"""The site engine: the only code that knows MkDocs (or its fork ProperDocs).

Our code writes every page into a staging folder; the engine only renders it
with the mkdocs-material theme and our overrides. Both engines read the same
configuration (the shipped ``mkdocs.yml`` filled in here) and the same theme,
so switching is a name, not a rewrite.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .fields import FIELD_KINDS
from .publish import BuildFailed

# Engine name -> its package (the same API: config.load_config, commands.build.build).
ENGINES = {"mkdocs": "MkDocs", "properdocs": "ProperDocs"}
DEFAULT_ENGINE = "mkdocs"


def shipped(name: str) -> Path:
    """A file or folder shipped with the package (``docs/``, ``mkdocs.yml``)."""
    return Path(str(resources.files("cebase") / "shipped" / name))


def engine_name(requested: str | None) -> str:
    """``--engine``, else ``CEBASE_ENGINE``, else MkDocs."""
    name = requested or os.environ.get("CEBASE_ENGINE") or DEFAULT_ENGINE
    if name not in ENGINES:
        known = "、".join(ENGINES)
        raise BuildFailed(f"不认识的网站引擎“{name}”，可选：{known}。")
    return name


# The site's forms, one per file an institution writes (docs/forms/).
FORM_KINDS = ("institution", "application", "assessment")


def _nav(docs: Path) -> list[Any]:
    def have(*paths: str) -> list[str]:
        return [p for p in paths if (docs / p).is_file()]

    guide: list[Any] = have("guide/index.md", "guide/web-editor.md")
    guide.append({"字段说明": [f"guide/fields/{k}.md" for k in FIELD_KINDS]})
    guide += have("guide/admin.md", "guide/branch-protection.md")
    return [
        {"首页": "index.md"},
        {"基地名录": "bases/index.md"},
        {"专业目录": "specialties/index.md"},
        {"公示公告": "notices/index.md"},
        {"统计": "stats.md"},
        {
            "在线填表": have(
                "forms/index.md", *(f"forms/{k}.md" for k in FORM_KINDS), "forms/scans.md"
            )
        },
        {"办事指南": guide},
        {"开放数据": "data/index.md"},
        {"关于": have("about/index.md", "about/privacy.md")},
    ]


def write_config(
    staging: Path, docs: Path, site: Path, extra: dict[str, Any], site_url: str | None
) -> Path:
    """The shipped ``mkdocs.yml`` pointed at the staging folder, with nav and footer data."""
    cfg = yaml.safe_load(shipped("mkdocs.yml").read_text("utf-8"))
    cfg["docs_dir"] = str(docs)
    cfg["site_dir"] = str(site)
    cfg.pop("exclude_docs", None)
    cfg["theme"]["custom_dir"] = str(shipped("docs") / "overrides")
    cfg["nav"] = _nav(docs)
    if site_url:
        cfg["site_url"] = site_url
    cfg.setdefault("extra", {})["cebase"] = extra
    path = staging / "mkdocs.yml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=True), "utf-8")
    return path


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _source_date(now: date) -> Iterator[None]:
    """The engines read SOURCE_DATE_EPOCH for the sitemap and the gzip header."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(
        int(datetime(now.year, now.month, now.day, tzinfo=UTC).timestamp())
    )
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def render(config_file: Path, now: date, engine: str = DEFAULT_ENGINE) -> None:
    """Render the staged pages with ``engine`` in strict mode; any warning fails the build."""
    from click import ClickException  # both engines' exceptions derive from it

    build = importlib.import_module(f"{engine}.commands.build").build
    load_config = importlib.import_module(f"{engine}.config").load_config
    handler = _Collect()
    log = logging.getLogger(engine)
    log.addHandler(handler)
    title = ENGINES[engine]
    try:
        with _source_date(now):
            build(load_config(str(config_file), strict=True))
    except ClickException as exc:
        detail = "；".join(handler.messages) or str(exc)
        raise BuildFailed(f"{title} 生成失败（严格模式）：{detail}") from exc
    finally:
        log.removeHandler(handler)
    if handler.messages:  # strict mode should have aborted; never publish with warnings
        raise BuildFailed(f"{title} 生成时有警告：" + "；".join(handler.messages))
