"""Helpers for the site tests: build a registry's site, walk schemas, plant values."""

from __future__ import annotations

import functools
import gzip
import http.server
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from cebase.registry import scan
from cebase.schemas import resolve, schema, validator
from cebase.site.build import write_site
from cebase.site.collect import collect
from cebase.status import evaluate

DEMO_NOW = date(2025, 12, 22)

Leaf = tuple[tuple[str | int, ...], dict[str, Any], bool]  # path, schema node, public


def build_unvalidated(root: Path, out: Path, now: date = DEMO_NOW, keys: Any = None) -> None:
    """Build without the rules gate: planted values may break rules, not the schema.

    ``keys`` (a ``seal.Keyring``) opens the sealed values first, as a reviewer's key at hand would.
    """
    reg = scan(root)
    if keys is not None:
        reg.unlock(keys)
    data = collect(reg, evaluate(reg, now), now, git_dates=False)
    write_site(data, out, now)


def leaves(
    node: dict[str, Any], value: Any, path: tuple[str | int, ...] = (), public: bool = True
) -> Iterator[Leaf]:
    """Every scalar in ``value`` with its schema node and whether ``public_view`` keeps it.

    Mirrors privacy.public_view: a property is public when it and its parents carry
    ``x-public``; array items inherit their array's status.
    """
    node = resolve(node)
    if isinstance(value, dict):
        props = node.get("properties", {})
        pats = node.get("patternProperties", {})
        for key, item in value.items():
            sub = props.get(key)
            if sub is None:
                import re

                sub = next((n for p, n in pats.items() if re.search(p, key)), None)
            if not isinstance(sub, dict):
                continue
            pub = public and resolve(sub).get("x-public") is True
            yield from leaves(sub, item, (*path, key), pub)
    elif isinstance(value, list):
        items = node.get("items")
        if isinstance(items, dict):
            for i, item in enumerate(value):
                yield from leaves(items, item, (*path, i), public)
    else:
        yield path, node, public


def set_at(data: Any, path: tuple[str | int, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def get_at(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def plant(root: Path, choose: Callable[[Leaf, Any], Any | None]) -> list[Any]:
    """Replace leaves of every record by ``choose(leaf, old)`` (None: keep).

    A planted value the schema rejects is put back, so every record stays
    schema-valid (and so reaches the site). Returns the values that stayed.
    """
    reg = scan(root)
    kept: list[Any] = []
    for rec in reg.records():
        data = rec.data
        assert data is not None and rec.valid, rec.relpath
        planted: dict[tuple[str | int, ...], tuple[Any, Any]] = {}
        for leaf in list(leaves(schema(rec.kind), data)):
            old = get_at(data, leaf[0])
            new = choose(leaf, old)
            if new is not None and not isinstance(old, bool):
                set_at(data, leaf[0], new)
                planted[leaf[0]] = (old, new)
        for _ in range(20):
            errors = list(validator(rec.kind).iter_errors(data))
            if not errors:
                break
            for err in errors:
                p = tuple(err.absolute_path)
                under = [q for q in planted if q[: len(p)] == p]  # e.g. uniqueItems
                while p and p not in planted and not under:
                    p = p[:-1]
                for q in [p] if p in planted else under:
                    set_at(data, q, planted.pop(q)[0])
        assert not list(validator(rec.kind).iter_errors(data)), rec.relpath
        kept.extend(new for _, new in planted.values())
        rec.file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return kept


def site_texts(site: Path) -> Iterator[tuple[Path, str]]:
    """Every output file as text (gzip files, like the search index's chunks, decompressed)."""
    for f in sorted(site.rglob("*")):
        if not f.is_file():
            continue
        raw = f.read_bytes()
        if raw.startswith(b"\x1f\x8b"):
            raw = gzip.decompress(raw)
        yield f, raw.decode("utf-8", "replace")


@contextmanager
def serve(site: Path) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
