"""Pages as data (path, template, context) and the writer that renders them into staging.

Templates are package data, rendered by Jinja2 with autoescape; untrusted text
reaches Markdown only escaped. Each page gets a ``u()`` that makes a site path
relative to it, so the site works from any folder.
"""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from .. import escape
from ..vocab import chinese_date, parse_day


@dataclass(frozen=True)
class Page:
    path: str  # under the staging docs folder, e.g. "bases/<uscc>.md"
    template: str
    context: dict[str, Any] = field(default_factory=dict)


def page(path: str, template: str, **context: Any) -> Page:
    return Page(path, template, context)


def zhdate(value: str) -> str:
    day = parse_day(str(value))
    return chinese_date(day) if day is not None else str(value)


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("cebase", "templates/site"),
        autoescape=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["md"] = lambda v: Markup(escape.markdown_text(v))
    env.filters["zhdate"] = zhdate
    env.globals["link"] = lambda url, text=None: Markup(escape.https_link(url, text))
    return env


# Pages of one folder link to the same few places: the path arithmetic is done once.
_relpath = functools.lru_cache(maxsize=65536)(posixpath.relpath)


class Writer:
    """Renders pages into the staging docs folder and counts them."""

    def __init__(self, docs: Path) -> None:
        self.docs = docs
        self.env = environment()
        self.count = 0

    def render(self, p: Page) -> None:
        here = posixpath.dirname(p.path)

        def u(target: str) -> str:
            target, _, query = target.partition("?")
            rel = _relpath(target, here or ".")
            return rel + ("?" + query if query else "")

        text = self.env.get_template(p.template).render(u=u, **p.context)
        self.write(p.path, text.encode("utf-8"))
        self.count += 1

    def write(self, path: str, data: bytes) -> None:
        dest = self.docs / path
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
