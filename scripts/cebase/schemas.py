"""The JSON Schemas: one per file kind, shared by CI, the CLI, the site and editors.

The schemas live in the repository's top-level ``schemas/`` folder and belong
to the tool, whatever registry ``--root`` points at. "Is this record valid" is
asked of jsonschema-rs (compiled, fast); only a record it refuses is checked
again by jsonschema, whose errors become findings positioned on the offending
YAML node, in Chinese (``explain``).
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource

from . import explain
from .armour import Sealed
from .document import Document
from .findings import Finding, field_path

KINDS = (
    "institution",
    "application",
    "assessment",
    "review",
    "cycle",
    "specialties",
    "rubric",
    "checklists",
)
# A schema's URI is its file name: the files carry no ``$id`` and refer to each
# other by relative file references (``defs.schema.json#/$defs/date``), which
# resolve beside the file in any tool (check-jsonschema, yaml-language-server, ajv).
SCHEMA_ID = "{}.schema.json"


def schema_dir() -> Path:
    """The top-level ``schemas/``, shipped as package data (``cebase/shipped/schemas``)."""
    override = os.environ.get("CEBASE_SCHEMAS")
    if override:
        return Path(override)
    return Path(str(resources.files("cebase") / "shipped" / "schemas"))


@functools.cache
def _load_all() -> dict[str, dict[str, Any]]:
    out = {}
    for file in sorted(schema_dir().glob("*.schema.json")):
        out[file.name.removesuffix(".schema.json")] = json.loads(file.read_text("utf-8"))
    return out


def schema(kind: str) -> dict[str, Any]:
    return _load_all()[kind]


@functools.cache
def _registry() -> Registry:
    resources = [(SCHEMA_ID.format(k), Resource.from_contents(s)) for k, s in _load_all().items()]
    return Registry().with_resources(resources)


def _inline(node: Any) -> Any:
    """``node`` with every ``$ref`` replaced by what it points at (our refs are not recursive).

    The published schemas keep their ``$ref``s for editors; validation uses the
    inlined copy, which checks the same and skips a lookup per reference.
    """
    if isinstance(node, dict):
        if "$ref" in node:
            target = _registry().resolver().lookup(node["$ref"]).contents
            merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
            return _inline(merged)
        return {k: _inline(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v) for v in node]
    return node


@functools.cache
def inlined(kind: str) -> dict[str, Any]:
    return _inline(schema(kind))


@functools.cache
def validator(kind: str) -> Draft202012Validator:
    """The explaining validator (pure Python, every error with its path)."""
    return Draft202012Validator(
        inlined(kind), registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


# jsonschema's format checker is lenient where a package is missing (uri needs
# rfc3987) or by design (email: has an "@"); the fast check must never be
# stricter in a way that loses a finding nor looser, so it asks the same.
_FORMATS = {
    "email": lambda text: "@" in text,
    "uri": lambda text: Draft202012Validator.FORMAT_CHECKER.conforms(text, "uri"),
}


def compiled(node: dict[str, Any]) -> Any:
    """A compiled yes/no validator of an (inlined) schema (jsonschema-rs)."""
    return jsonschema_rs.Draft202012Validator(node, validate_formats=True, formats=_FORMATS)


@functools.cache
def fast_validator(kind: str) -> Any:
    """The compiled yes/no validator of ``kind``."""
    return compiled(inlined(kind))


def is_valid(data: Any, kind: str) -> bool:
    """Does ``data`` match the schema of ``kind``? (the usual answer, and a fast one)"""
    return bool(fast_validator(kind).is_valid(data))


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow ``$ref`` chains to the schema node that describes a value."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 16:
        node = _registry().resolver().lookup(node["$ref"]).contents | {
            k: v for k, v in node.items() if k != "$ref"
        }
        seen += 1
    return node


def _child(parent: dict[str, Any], part: str | int) -> Any:
    if isinstance(part, int):
        return parent.get("items")
    if part in parent.get("properties", {}):
        return parent["properties"][part]
    for pattern, pattern_node in parent.get("patternProperties", {}).items():
        if re.search(pattern, part):
            return pattern_node
    return parent.get("additionalProperties")


def subschema(kind: str, path: tuple[str | int, ...]) -> dict[str, Any] | None:
    """The schema node describing the value at ``path`` (None if the schema says nothing)."""
    node: Any = resolve(schema(kind))
    for part in path:
        node = _child(node, part)
        if not isinstance(node, dict):
            return None
        node = resolve(node)
    return node


def prune_blanks(doc: Document, kind: str) -> None:
    """Drop the optional fields written blank (``key:`` or ``key: ""``): they are absent.

    A blank required field stays, for the schema to report (or accept, where
    the schema allows ``""``). The key's position is kept for findings.
    """
    for path in reversed(doc.blanks):
        parent_path, key = path[:-1], path[-1]
        node = subschema(kind, parent_path)
        if node is None or key in node.get("required", ()):
            continue
        parent = doc.data
        for part in parent_path:
            parent = parent[part]
        if isinstance(parent, dict) and parent.get(key) in (None, ""):
            del parent[key]
            doc.forget(path)


def _leaf_errors(err: ValidationError) -> Iterator[ValidationError]:
    """For oneOf/anyOf the interesting error is nested; report the leaves."""
    if err.validator in ("oneOf", "anyOf") and err.context:
        yield from _leaf_errors(best_match(err.context))
        return
    yield err


# Errors about a mapping's keys (one per missing or unknown key) are each their
# own mistake; of the errors about one value, only the first to fix is kept.
_PER_KEY = frozenset({"required", "additionalProperties", "dependentRequired"})


def _one_per_value(errors: list[ValidationError]) -> list[ValidationError]:
    kept: dict[tuple[Any, ...], ValidationError] = {}
    out = []
    for err in errors:
        if err.validator in _PER_KEY:
            out.append(err)
            continue
        where = tuple(err.absolute_path)
        if where not in kept or explain.rank(err) < explain.rank(kept[where]):
            kept[where] = err
    return out + list(kept.values())


def explain_errors(doc: Document, kind: str) -> list[Finding]:
    """Every schema problem of ``doc`` as a positioned Chinese finding."""
    errors = [
        leaf
        for err in validator(kind).iter_errors(doc.data)
        for leaf in _leaf_errors(err)
        if not isinstance(leaf.instance, Sealed)  # unreadable without the key: the rules say so
    ]
    findings = []
    for err in _one_per_value(errors):
        hint = doc.hints.get(tuple(err.absolute_path))
        if hint is not None and err.validator not in _PER_KEY:
            findings.append(hint)
            continue
        message, path, at_key = explain.message(err, resolve)
        line, col = doc.pos(path, key=at_key)
        findings.append(
            Finding(doc.path, line, col, f"schema-{err.validator}", message, field=field_path(path))
        )
    return sorted(set(findings))


def validate(doc: Document, kind: str) -> list[Finding]:
    """Schema findings of ``doc``: none for a valid record, asked of the fast validator."""
    if is_valid(doc.data, kind):
        return []
    return explain_errors(doc, kind)
