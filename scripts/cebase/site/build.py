"""Build the public site: validate, generate pages into a staging folder, let MkDocs render.

Generated pages are written by our code (Jinja2 with autoescape) as Markdown
whose untrusted parts are escaped HTML blocks; MkDocs and mkdocs-material only
render them. The output is written atomically: everything is built in a
temporary folder beside the output and swapped in by renames, so a failed
build leaves the previous site untouched. Same registry + same date = same bytes.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import posixpath
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from .. import escape
from ..findings import Finding, has_errors
from ..model import BaseStatus
from ..registry import Registry, scan
from ..schemas import resolve, schema
from ..validate import Result, validate
from . import charts, opendata
from .collect import GRADES, PUBLIC_LABEL_PROPOSED, PUBLIC_LABEL_RECTIFY, SiteData, collect

REPO = Path(__file__).resolve().parents[3]
TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "site"
MARKER = ".cebase-site"  # marks a folder we may replace
SPECIALTY_PAGE_LIMIT = 100  # keep specialty pages bounded; the directory has the rest
FIELD_KINDS = ("institution", "application", "assessment", "review")
FIELD_FILES = {
    "institution": "submissions/<统一社会信用代码>/institution.yaml",
    "application": "submissions/<统一社会信用代码>/<周期>/application.yaml",
    "assessment": "submissions/<统一社会信用代码>/<周期>/assessment.yaml",
    "review": "submissions/<统一社会信用代码>/<周期>/review.yaml（市人社局填写）",
}
DISTRICT_WORDS = ("乌鲁木齐", "乌鲁木齐市", "新疆", "新疆维吾尔自治区")
NAME_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "职业技术学院",
    "职业学院",
    "技术学院",
    "继续教育学院",
    "继续教育中心",
    "培训中心",
    "培训学校",
    "研究院",
    "研究所",
    "设计院",
    "学院",
    "大学",
    "学校",
    "协会",
    "学会",
    "医院",
    "中心",
    "集团",
    "公司",
)

Evaluate = Callable[[Registry, date], Mapping[str, BaseStatus]]


class BuildFailed(Exception):
    """MkDocs or our own generation failed; the message is Chinese and shown to the user."""


@dataclass
class BuildResult:
    ok: bool
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    messages: list[str] = field(default_factory=list)
    pages: int = 0


def _default_evaluate() -> Evaluate:
    from ..status import evaluate  # the status engine

    return evaluate


# ---------------------------------------------------------------- rendering


def _zhdate(value: str) -> str:
    try:
        d = date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{d.year}年{d.month}月{d.day}日"


def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["md"] = lambda v: Markup(escape.markdown_text(v))
    env.filters["zhdate"] = _zhdate
    env.globals["link"] = lambda url, text=None: Markup(escape.https_link(url, text))
    return env


class _Writer:
    """Renders templates into the staging docs folder; each page gets its own ``u()``."""

    def __init__(self, docs: Path) -> None:
        self.docs = docs
        self.env = _env()
        self.count = 0

    def page(self, path: str, template: str, **ctx: Any) -> None:
        here = posixpath.dirname(path)

        def u(target: str) -> str:
            target, _, query = target.partition("?")
            rel = posixpath.relpath(target, here or ".")
            return rel + ("?" + query if query else "")

        text = self.env.get_template(template).render(u=u, **ctx)
        self.write(path, text.encode("utf-8"))
        self.count += 1

    def write(self, path: str, data: bytes) -> None:
        dest = self.docs / path
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)


def _options(values: list[str], order: tuple[str, ...] = ()) -> list[dict[str, str]]:
    rank = {v: i for i, v in enumerate(order)}
    uniq = sorted(set(values), key=lambda v: (rank.get(v, len(rank)), v))
    return [{"value": v, "label": v} for v in uniq if v]


def _district_order() -> tuple[str, ...]:
    return tuple(resolve(schema("defs")["$defs"]["district"])["enum"])


def _category_order() -> tuple[str, ...]:
    return tuple(resolve(schema("defs")["$defs"]["category"])["enum"])


def render_pages(data: SiteData, w: _Writer) -> None:
    bases = data.bases
    counts = {
        "certified": sum(b.label != PUBLIC_LABEL_PROPOSED for b in bases),
        "proposed": sum(b.label == PUBLIC_LABEL_PROPOSED for b in bases),
        "rectify": sum(b.label == PUBLIC_LABEL_RECTIFY for b in bases),
        "specialties": len(data.specialty_index),
    }
    from .collect import upcoming

    w.page(
        "index.md",
        "index.md.j2",
        now=data.now,
        counts=counts,
        notices=data.notices,
        deadlines=upcoming(data.deadlines, data.now),
    )

    spec_names = {c: s.get("name", c) for c, s in data.specialty_index.items()}
    filters = [
        {
            "key": "district",
            "label": "所在区（县）",
            "options": _options([b.profile.get("district", "") for b in bases], _district_order()),
        },
        {
            "key": "category",
            "label": "单位性质",
            "options": _options([b.profile.get("category", "") for b in bases], _category_order()),
        },
        {
            "key": "series",
            "label": "职称系列",
            "options": _options([s for b in bases for s in b.series]),
        },
        {
            "key": "specialty",
            "label": "培训专业",
            "options": [
                {"value": c, "label": f"{spec_names.get(c, c)}（{c}）"}
                for c in sorted({s["code"] for b in bases for s in b.specialties})
            ],
        },
        {
            "key": "status",
            "label": "状态",
            "options": _options([b.label for b in bases], ("已认定", "公示中", "限期整改")),
        },
        {
            "key": "grade",
            "label": "考核等次",
            "options": _options([b.grade or "" for b in bases], GRADES),
        },
    ]
    columns = [
        {"label": "单位名称", "type": "text"},
        {"label": "所在区（县）", "type": "text"},
        {"label": "单位性质", "type": "text"},
        {"label": "职称系列", "type": "text"},
        {"label": "状态", "type": "text"},
        {"label": "考核等次", "type": "text"},
        {"label": "认定日期", "type": "text"},
    ]
    w.page(
        "bases/index.md",
        "directory.md.j2",
        now=data.now,
        bases=bases,
        filters=filters,
        columns=columns,
    )
    for b in bases:
        badge = {"公示中": "proposed", "限期整改": "rectify"}.get(b.label, "certified")
        w.page(f"bases/{b.uscc}.md", "base.md.j2", b=b, badge=badge, now=data.now)

    # specialties
    trainers: dict[str, list[tuple[Any, list[str]]]] = {}
    for b in bases:
        for s in b.specialties:
            trainers.setdefault(s["code"], []).append((b, s["levels"]))
    series_order = [s.get("name", "") for s in data.catalogue.get("series", [])]
    by_series: dict[str, list[dict[str, Any]]] = {}
    for sp in data.catalogue.get("specialties", []):
        by_series.setdefault(sp.get("series", ""), []).append(sp)
    series = [
        {"name": name, "specialties": sorted(by_series[name], key=lambda x: x["code"])}
        for name in sorted(
            by_series, key=lambda n: (series_order.index(n) if n in series_order else 99, n)
        )
    ]
    w.page(
        "specialties/index.md",
        "specialties.md.j2",
        series=series,
        cycle_id=data.cycle_id,
        counts={c: len(v) for c, v in trainers.items()},
    )
    for code, sp in sorted(data.specialty_index.items()):
        rows = trainers.get(code, [])
        w.page(
            f"specialties/{code}.md",
            "specialty.md.j2",
            sp=sp,
            trainers=rows[:SPECIALTY_PAGE_LIMIT],
            total=len(rows),
            limit=SPECIALTY_PAGE_LIMIT,
        )

    # notices
    by_cycle: dict[str, list[Any]] = {}
    for n in data.notices:
        by_cycle.setdefault(n.cycle, []).append(n)
    w.page("notices/index.md", "notices.md.j2", by_cycle=sorted(by_cycle.items(), reverse=True))
    for n in data.notices:
        cyc = data.cycles.get(n.cycle, {})
        office = cyc.get("publicity", {}).get("objection_contact") or (cyc.get("contacts") or [{}])[
            0
        ].get("office", "市人社局")
        phones = [c for c in cyc.get("contacts", []) if c.get("office") == office]
        objection = office + (f"（电话 {phones[0]['phone']}）" if phones else "")
        basis = [b if b.startswith("《") else f"《{b}》" for b in cyc.get("legal_basis", [])]
        basis = [re.sub(r"^《(《.*)》$", r"\1", b) for b in basis]
        w.page(
            f"notices/{n.id}.md",
            "notice.md.j2",
            n=n,
            cycle=cyc,
            basis=basis,
            objection_office=objection,
        )

    # statistics
    def rows(counter: Counter[str], order: tuple[str, ...] = ()) -> list[tuple[str, int]]:
        rank = {v: i for i, v in enumerate(order)}
        return sorted(counter.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))

    stats = [
        (
            "按所在区（县）",
            "区（县）",
            rows(Counter(b.profile.get("district", "") for b in bases), _district_order()),
        ),
        (
            "按单位性质",
            "单位性质",
            rows(Counter(b.profile.get("category", "") for b in bases), _category_order()),
        ),
        (
            "按职称系列（一个基地可培训多个系列）",
            "职称系列",
            rows(Counter(s for b in bases for s in b.series)),
        ),
        ("按最近考核等次", "考核等次", rows(Counter(b.grade or "尚未考核" for b in bases), GRADES)),
    ]
    chart_list = [
        {"title": t, "dimension": dim, "rows": r, "svg": Markup(charts.bar_chart(t, r))}
        for t, dim, r in stats
    ]
    w.page("stats.md", "stats.md.j2", now=data.now, total=len(bases), charts=chart_list)

    # field reference, from the schemas
    for kind in FIELD_KINDS:
        s = schema(kind)
        w.page(
            f"guide/fields/{kind}.md",
            "fields.md.j2",
            title=f"字段说明：{s.get('title', kind)}",
            file=FIELD_FILES[kind],
            description=s.get("description", ""),
            rows=list(field_rows(s)),
        )

    w.page("data/index.md", "data.md.j2", now=data.now, base_fields=opendata.BASE_FIELDS)


def field_rows(
    node: dict[str, Any], path: str = "", public: bool = True, required: bool = True
) -> Iterator[dict[str, Any]]:
    """Every field of a schema, depth first, with whether it is published."""
    node = resolve(node)
    req = set(node.get("required", []))
    children: list[tuple[str, dict[str, Any], bool]] = [
        (k, v, k in req) for k, v in node.get("properties", {}).items()
    ]
    children += [(f"<{k}>", v, False) for k, v in node.get("patternProperties", {}).items()]
    for key, sub, is_req in children:
        sub = resolve(sub)
        p = f"{path}.{key}" if path else key
        pub = public and sub.get("x-public") is True
        t = sub.get("type", "")
        yield {
            "path": p,
            "title": sub.get("title", ""),
            "type": _TYPES.get(t, t),
            "required": is_req and required,
            "public": pub,
            "description": sub.get("description", ""),
            "enum": sub.get("enum"),
        }
        if t == "object":
            yield from field_rows(sub, p, pub, is_req and required)
        elif t == "array" and isinstance(sub.get("items"), dict):
            items = resolve(sub["items"])
            if items.get("type") == "object":
                yield from field_rows(items, p + "[]", pub, False)


_TYPES = {
    "object": "映射",
    "array": "列表",
    "string": "文本",
    "integer": "整数",
    "number": "数字",
    "boolean": "是/否",
}


# ---------------------------------------------------------------- search dictionary


def user_dictionary(data: SiteData) -> str:
    """jieba words so that districts and parts of names are search terms of their own."""
    words: set[str] = set(DISTRICT_WORDS)
    for node in ("district", "zone"):
        words.update(resolve(schema("defs")["$defs"][node])["enum"])
    for b in data.bases:
        name = b.profile.get("name", "")
        words.update(_name_parts(name))
    for sp in data.specialty_index.values():
        if 2 <= len(sp.get("name", "")) <= 12:
            words.add(sp["name"])
    clean = sorted(w for w in words if w and not re.search(r"\s", w))
    return "".join(f"{w} 100000 nz\n" for w in clean)


def _name_parts(name: str) -> set[str]:
    parts: set[str] = set()
    rest = re.sub(r"[（(].*?[）)]", "", name)
    changed = True
    while changed:
        changed = False
        for prefix in sorted((*DISTRICT_WORDS, *_district_order()), key=len, reverse=True):
            if rest.startswith(prefix) and len(rest) > len(prefix) + 1:
                parts.add(prefix)
                rest, changed = rest[len(prefix) :], True
        for suffix in NAME_SUFFIXES:
            if rest.endswith(suffix) and len(rest) > len(suffix) + 1:
                parts.add(suffix)
                rest, changed = rest[: -len(suffix)], True
    if 2 <= len(rest) <= 10:
        parts.add(rest)
    return parts


# ---------------------------------------------------------------- MkDocs


def _nav(docs: Path) -> list[Any]:
    def have(*paths: str) -> list[str]:
        return [p for p in paths if (docs / p).is_file()]

    guide: list[Any] = have("guide/index.md", "guide/web-editor.md")
    guide.append({"字段说明": [f"guide/fields/{k}.md" for k in FIELD_KINDS]})
    guide += have("guide/branch-protection.md", "guide/admin.md")
    return [
        {"首页": "index.md"},
        {"基地名录": "bases/index.md"},
        {"专业目录": "specialties/index.md"},
        {"公示公告": "notices/index.md"},
        {"统计": "stats.md"},
        {"办事指南": guide},
        {"开放数据": "data/index.md"},
        {"关于": have("about/index.md", "about/privacy.md")},
    ]


def _config(staging: Path, docs: Path, site: Path, data: SiteData, site_url: str | None) -> Path:
    cfg = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))
    cfg["docs_dir"] = str(docs)
    cfg["site_dir"] = str(site)
    cfg.pop("exclude_docs", None)
    cfg["theme"]["custom_dir"] = str(REPO / "docs" / "overrides")
    cfg["nav"] = _nav(docs)
    if site_url:
        cfg["site_url"] = site_url
    c = data.cycle
    footer = dict(c.get("site") or {})
    footer.setdefault("organiser", c.get("issuer", ""))
    cfg.setdefault("extra", {})["cebase"] = {
        "footer": footer,
        "contacts": c.get("contacts", []),
        "issuer": c.get("issuer", ""),
        "now": data.now,
    }
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
    """MkDocs reads SOURCE_DATE_EPOCH for the sitemap and the gzip header."""
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


@contextlib.contextmanager
def user_words(userdict: str) -> Iterator[None]:
    """A fresh jieba tokenizer with our words, for the search plugin, for one build.

    Material's ``jieba_dict_user`` option would load a file into jieba's global
    tokenizer: it leaves the file open and words pile up across builds in one
    process. The search plugin calls ``jieba.cut``; we point that at our own
    tokenizer while MkDocs runs, so each build segments from the same state.
    The segmentation of a run of text is a pure function of it, so it is kept.
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for line in userdict.splitlines():
        word, freq, tag = line.split(" ")
        tokenizer.add_word(word, int(freq), tag)
    # Labels, districts, series and specialty names recur on every page: segment each run once.
    seen: dict[Any, list[str]] = {}

    def cut(sentence: Any, *args: Any, **kwargs: Any) -> Iterator[str]:
        if args or kwargs:
            return tokenizer.cut(sentence, *args, **kwargs)
        words = seen.get(sentence)
        if words is None:
            words = seen[sentence] = list(tokenizer.cut(sentence))
        return iter(words)

    saved = jieba.cut
    jieba.cut = cut
    try:
        yield
    finally:
        jieba.cut = saved


def compact_search_index(path: Path) -> None:
    """Rewrite the engine's search index as UTF-8 instead of ``\\uXXXX`` escapes.

    Chinese text escaped takes six bytes a character instead of three: the
    index every visitor downloads to search shrinks by about 40 %. Same data.
    """
    if not path.is_file():
        return
    data = json.loads(path.read_bytes())
    path.write_bytes(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def run_mkdocs(config_file: Path, now: date) -> None:
    from mkdocs import exceptions
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    handler = _Collect()
    log = logging.getLogger("mkdocs")
    log.addHandler(handler)
    try:
        with _source_date(now):
            cfg = load_config(str(config_file), strict=True)
            build(cfg)
    except exceptions.MkDocsException as exc:
        detail = "；".join(handler.messages) or str(exc)
        raise BuildFailed(f"MkDocs 生成失败（严格模式）：{detail}") from exc
    finally:
        log.removeHandler(handler)
    if handler.messages:  # strict mode should have aborted; never publish with warnings
        raise BuildFailed("MkDocs 生成时有警告：" + "；".join(handler.messages))


# ---------------------------------------------------------------- the build


def _check_output(out: Path) -> None:
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise BuildFailed(
            f"输出位置 {out} 已存在且不是本工具生成的网站，为避免误删，已停止。请用 -o 指定一个新的或空的文件夹。"
        )


def _swap(new: Path, out: Path) -> None:
    """Replace ``out`` by ``new`` with renames only (same folder, same file system)."""
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        os.rename(out, old)
    try:
        os.rename(new, out)
    except OSError:
        if old.exists():
            os.rename(old, out)
        raise
    if old.exists():
        shutil.rmtree(old)


def write_site(
    data: SiteData,
    out: Path,
    now: date,
    *,
    site_url: str | None = None,
    may_publish: Callable[[bool], bool] = lambda final: True,
) -> int:
    """Generate, render and swap in the site for ``data``; returns the number of pages.

    ``may_publish(final)`` is asked before MkDocs runs (``final=False``: answer
    without waiting) and before the swap (``final=True``); when it says no, the
    staging folder is dropped and ``NotPublished`` is raised.
    """
    out = out.resolve()
    _check_output(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.build-", dir=out.parent))
    try:
        docs, site = work / "docs", work / "site"
        shutil.copytree(REPO / "docs", docs, ignore=shutil.ignore_patterns("overrides"))
        w = _Writer(docs)
        render_pages(data, w)
        url = site_url or "https://example.invalid/"
        w.write("data/bases.json", opendata.bases_json(data))
        w.write("data/bases.csv", opendata.bases_csv(data))
        w.write("data/specialties.json", opendata.specialties_json(data))
        w.write("data/notices.json", opendata.notices_json(data))
        w.write("data/deadlines.ics", opendata.deadlines_ics(data))
        w.write("notices/feed.xml", opendata.atom_feed(data, url))
        w.write("forms/recipients.json", opendata.recipients_json(data))
        config = _config(work, docs, site, data, site_url)
        if not may_publish(False):
            raise NotPublished
        with user_words(user_dictionary(data)):
            run_mkdocs(config, now)
        compact_search_index(site / "search" / "search_index.json")
        (site / MARKER).write_text("cebase\n", "utf-8")
        if not may_publish(True):
            raise NotPublished
        _swap(site, out)
        return w.count
    finally:
        shutil.rmtree(work, ignore_errors=True)


class NotPublished(Exception):
    """Validation found errors while the pages were being rendered."""


def build_site(
    root: Path,
    out: Path,
    now: date,
    *,
    evaluate: Evaluate | None = None,
    site_url: str | None = None,
    git_dates: bool = True,
) -> BuildResult:
    """Validate the registry at ``root``; if clean, build its site into ``out``."""
    reg = scan(root)
    return _build(reg, out, now, evaluate, site_url, git_dates, validate(reg, now=now))


def _build(
    reg: Registry,
    out: Path,
    now: date,
    evaluate: Evaluate | None,
    site_url: str | None,
    git_dates: bool,
    checked: Result | Future[Result],
) -> BuildResult:
    def result() -> Result:
        return checked.result() if isinstance(checked, Future) else checked

    def may_publish(final: bool) -> bool:
        """Clean, as far as is known (``final``: wait for the answer)."""
        if not final and isinstance(checked, Future) and not checked.done():
            return True
        return not has_errors(result().findings)

    def render() -> BuildResult:
        statuses = (evaluate or _default_evaluate())(reg, now)
        data = collect(reg, statuses, now, git_dates=git_dates)
        messages = []
        if data.uncovered_years:
            years = "、".join(str(y) for y in data.uncovered_years)
            messages.append(f"提示：{years} 年的法定节假日安排尚未收录，公示期按周一至周五计算。")
        try:
            pages = write_site(data, out, now, site_url=site_url, may_publish=may_publish)
        except NotPublished:
            return BuildResult(False, result().findings, result().files)
        except BuildFailed as exc:
            return BuildResult(False, result().findings, result().files, [*messages, str(exc)])
        return BuildResult(True, result().findings, result().files, messages, pages)

    if not may_publish(False):
        return BuildResult(False, result().findings, result().files)
    try:
        return render()
    except Exception:
        # A record of the wrong shape (its schema check runs in the other
        # process) can trip the status engine or a template; the validation
        # then has the findings that explain it. Without them it is our bug.
        if isinstance(checked, Future) and has_errors(result().findings):
            return BuildResult(False, result().findings, result().files)
        raise
