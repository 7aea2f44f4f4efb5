"""A loaded YAML file as values: its data, where each value and key stands, its strings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .findings import Finding

Path_ = tuple[str | int, ...]
Strings = list[tuple[Path_, Any, str]]

# The key of the document root when the root is itself a string (the loader
# never gives one, but rules must not care).
ROOT = object()


@dataclass(slots=True)
class Document:
    """A loaded YAML file: plain data plus where each value and key stands."""

    path: str
    data: Any
    value_pos: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_pos: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    text: str = ""  # the source, for rules that must see comments too
    blanks: list[Path_] = field(default_factory=list)  # mapping values written blank
    # Likelier explanations of a value, should the schema refuse it (a
    # full-width comma inside a flow list: "[初级，中级]" is one item).
    hints: dict[Path_, Finding] = field(default_factory=dict)
    _strings: Strings | None = field(default=None, repr=False)

    def field_at(self, line: int, col: int) -> Path_:
        """The path of the last value that starts at or before a position (document order)."""
        found: Path_ = ()
        for path, pos in self.value_pos.items():
            if pos > (line, col):
                break
            found = path
        return found

    def pos(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the value at ``path``, or of its nearest ancestor."""
        table = self.key_pos if key else self.value_pos
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if key and p in self.value_pos:
                return self.value_pos[p]
            p = p[:-1]
        return self.value_pos.get((), (1, 1))

    def strings(self) -> Strings:
        """Every string of the data as (path of its container, key, text), in document order.

        What the text rules read, walked once per document for all of them.
        """
        if self._strings is None:
            self._strings = _walk(self.data)
        return self._strings


def _walk(data: Any) -> Strings:
    if isinstance(data, str):
        return [((), ROOT, data)]
    out: Strings = []
    if not isinstance(data, dict | list):
        return out
    append = out.append
    # Depth-first in document order; a path tuple is built per container, not
    # per string, which is most of the saving.
    stack = [((), iter(data.items()) if isinstance(data, dict) else enumerate(data))]
    while stack:
        path, items = stack[-1]
        for key, value in items:
            if isinstance(value, str):
                append((path, key, value))
            elif isinstance(value, dict):
                stack.append(((*path, key), iter(value.items())))
                break
            elif isinstance(value, list):
                stack.append(((*path, key), enumerate(value)))
                break
        else:
            stack.pop()
    return out


def leaf_path(path: Path_, key: Any) -> Path_:
    """The full path of a string given by ``Document.strings``."""
    return path if key is ROOT else (*path, key)
