"""Build the public site: validate, derive statuses, stage pages, render, index, swap.

The stages, each in its own module:

- ``collect``: what the site shows, as plain data (public fields only);
- ``pages``: one small function per page family (path, template, context);
- ``render``: the Jinja2 writer into the staging folder;
- ``engine``: MkDocs or ProperDocs renders the staged pages (the only code that knows them);
- ``search``: Pagefind indexes the rendered pages;
- ``publish``: staging beside the output and the atomic swap.

Same registry + same date = same bytes.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .. import speed
from ..findings import Finding, has_errors
from ..model import BaseStatus
from ..registry import Registry, scan
from ..validate import Checking, Result, load
from . import engine as engines
from . import opendata, search
from .collect import SiteData, collect
from .pages import all_pages
from .publish import BuildFailed, staging, swap
from .render import Writer

__all__ = ["BuildFailed", "BuildResult", "build_site", "write_site"]

Evaluate = Callable[[Registry, date], Mapping[str, BaseStatus]]
PLACEHOLDER_URL = "https://example.invalid/"


@dataclass
class BuildResult:
    ok: bool
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    messages: list[str] = field(default_factory=list)
    pages: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage


class Stopwatch(dict[str, float]):
    """Seconds per stage of one build, for the log and the benchmark; ``announce`` (if
    given) hears each stage's name as it starts, to show progress."""

    announce: Callable[[str], None] | None = None

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.announce is not None:
            self.announce(name)
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self[name] = self.get(name, 0.0) + time.perf_counter() - t0


def _default_evaluate() -> Evaluate:
    from ..status import evaluate  # the status engine

    return evaluate


def open_data(data: SiteData, w: Writer, site_url: str) -> None:
    w.write("data/bases.json", opendata.bases_json(data))
    w.write("data/bases.csv", opendata.bases_csv(data))
    w.write("data/specialties.json", opendata.specialties_json(data))
    w.write("data/notices.json", opendata.notices_json(data))
    w.write("data/deadlines.ics", opendata.deadlines_ics(data))
    w.write("notices/feed.xml", opendata.atom_feed(data, site_url))
    w.write("forms/recipients.json", opendata.recipients_json(data))
    w.write("forms/attachments.json", opendata.attachments_json())


def publish_schemas(site: Path) -> None:
    """Every schema under ``/schemas/``, so editors and validators can fetch them."""
    target = site / "schemas"
    target.mkdir(parents=True, exist_ok=True)
    for f in sorted(engines.shipped("schemas").glob("*.schema.json")):
        shutil.copyfile(f, target / f.name)


def footer(data: SiteData) -> dict[str, Any]:
    """What our theme override shows in every page's footer (``extra.cebase``)."""
    c = data.cycle
    info = dict(c.get("site") or {})
    info.setdefault("organiser", c.get("issuer", ""))
    return {
        "footer": info,
        "contacts": c.get("contacts", []),
        "issuer": c.get("issuer", ""),
        "now": data.now,
    }


def stage(data: SiteData, docs: Path, site_url: str | None) -> int:
    """Hand-written pages, generated pages and open data into ``docs``; the page count."""
    shutil.copytree(engines.shipped("docs"), docs, ignore=shutil.ignore_patterns("overrides"))
    w = Writer(docs)
    for p in all_pages(data):
        w.render(p)
    open_data(data, w, site_url or PLACEHOLDER_URL)
    return w.count


def write_site(
    data: SiteData,
    out: Path,
    now: date,
    *,
    site_url: str | None = None,
    engine: str | None = None,
    watch: Stopwatch | None = None,
    verdict: Callable[[], object] | None = None,
) -> int:
    """Stage, render, index and swap in the site for ``data``; returns the number of pages.

    ``verdict`` is asked once the pages are staged, before the engine runs: it
    raises to stop the build.
    """
    name = engines.engine_name(engine)
    out = out.resolve()
    watch = Stopwatch() if watch is None else watch
    with staging(out) as work:
        docs, site = work / "docs", work / "site"
        with watch.stage("pages"):
            pages = stage(data, docs, site_url)
            config = engines.write_config(work, docs, site, footer(data), site_url)
        if verdict is not None:
            verdict()
        with watch.stage("engine"):
            engines.render(config, now, name)
        with watch.stage("search"):
            search.index(site)
        with watch.stage("publish"):
            publish_schemas(site)
            swap(site, out)
    return pages


def _messages(data: SiteData) -> list[str]:
    if not data.uncovered_years:
        return []
    years = "、".join(str(y) for y in data.uncovered_years)
    return [f"提示：{years} 年的法定节假日安排尚未收录，公示期按周一至周五计算。"]


class _Refused(Exception):
    """The rules found errors: nothing is rendered or swapped in."""

    def __init__(self, checked: Result) -> None:
        super().__init__("registry has errors")
        self.checked = checked


def build_site(
    root: Path,
    out: Path,
    now: date,
    *,
    evaluate: Evaluate | None = None,
    site_url: str | None = None,
    git_dates: bool = True,
    engine: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Validate the registry at ``root``; if clean, build its site into ``out``.

    The records are loaded and put to their schema first; the rules then run
    beside the statuses and the staged pages (``validate.Checking``), and the
    engine starts only once they found no error. ``progress(stage)`` is told
    each stage's name as it starts.
    """
    watch = Stopwatch()
    watch.announce = progress
    with watch.stage("validate"):
        loaded = load(scan(root), now=now)
    with speed.frozen_heap(), Checking(loaded) as checking:

        def verdict() -> Result:
            if not checking.done:
                with watch.stage("rules"):  # waiting for them, when they ran beside
                    checking.result()
            checked = checking.result()
            if has_errors(checked.findings):
                raise _Refused(checked)
            return checked

        try:
            return _build(
                loaded.reg, out, now, verdict, watch, evaluate, site_url, git_dates, engine
            )
        except _Refused as refused:
            checked = refused.checked
        except Exception:
            checked = checking.result()
            if not has_errors(checked.findings):
                raise
            # the statuses or pages stumbled on a registry the rules refuse: report that
    return BuildResult(False, checked.findings, checked.files, timings=watch)


def _build(
    reg: Registry,
    out: Path,
    now: date,
    verdict: Callable[[], Result],
    watch: Stopwatch,
    evaluate: Evaluate | None,
    site_url: str | None,
    git_dates: bool,
    engine: str | None,
) -> BuildResult:
    with watch.stage("status"):
        statuses = (evaluate or _default_evaluate())(reg, now)
        data = collect(reg, statuses, now, git_dates=git_dates)
    messages = _messages(data)
    try:
        pages = write_site(
            data, out, now, site_url=site_url, engine=engine, watch=watch, verdict=verdict
        )
    except BuildFailed as exc:
        checked = verdict()
        messages.append(str(exc))
        return BuildResult(False, checked.findings, checked.files, messages, timings=watch)
    checked = verdict()
    return BuildResult(True, checked.findings, checked.files, messages, pages, watch)
