"""A loaded YAML file as values: its data, where each value and key stands, its strings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from .findings import Finding

try:  # the C parser is the fast path; the pure-Python one behaves the same
    Parser: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - only without libyaml
    Parser = yaml.SafeLoader
_SCALAR, _MAP_START, _SEQ_START = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
_MAP_END, _SEQ_END = yaml.MappingEndEvent, yaml.SequenceEndEvent

Path_ = tuple[str | int, ...]
Strings = list[tuple[Path_, Any, str]]
Positions = tuple[dict[Path_, tuple[int, int]], dict[Path_, tuple[int, int]]]

# The key of the document root when the root is itself a string (the loader
# never gives one, but rules must not care).
ROOT = object()


@dataclass(slots=True)
class Document:
    """A loaded YAML file: plain data plus where each value and key stands."""

    path: str
    data: Any
    text: str = ""  # the source, for rules that must see comments too
    blanks: list[Path_] = field(default_factory=list)  # mapping values written blank
    # Likelier explanations of a value, should the schema refuse it (a
    # full-width comma inside a flow list: "[初级，中级]" is one item).
    hints: dict[Path_, Finding] = field(default_factory=dict)
    # Found again from ``text`` on the first ``pos``: only a document with a
    # finding to place needs them, and walking the events twice costs less.
    _positions: Positions | None = field(default=None, repr=False)
    # Value positions noted while loading, for the few findings every record of a
    # sealed registry has (where its sealed values stand): no second parse for them.
    known: dict[Path_, tuple[int, int]] = field(default_factory=dict, repr=False)
    _forgotten: list[Path_] = field(default_factory=list, repr=False)
    _strings: Strings | None = field(default=None, repr=False)

    def _table(self) -> Positions:
        if self._positions is None:
            found = positions(self.text)
            for path in self._forgotten:
                found[0].pop(path, None)
            self._positions = found
        return self._positions

    @property
    def value_pos(self) -> dict[Path_, tuple[int, int]]:
        """Line and column of each value, by path, in document order."""
        return self._table()[0]

    @property
    def key_pos(self) -> dict[Path_, tuple[int, int]]:
        """Line and column of each mapping key, by the path of its value."""
        return self._table()[1]

    def changed(self) -> None:
        """Values of ``data`` were replaced in place (sealed values opened or held)."""
        self._strings = None  # walked again from the data if asked

    def forget(self, path: Path_) -> None:
        """The value at ``path`` was dropped from ``data``: it has no position any more."""
        self._strings = None  # walked again from the data if asked
        if self._positions is None:
            self._forgotten.append(path)
        else:
            self._positions[0].pop(path, None)

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
        p = tuple(path)
        if not key and p in self.known:
            return self.known[p]
        table = self.key_pos if key else self.value_pos
        while p:
            if p in table:
                return table[p]
            if key and p in self.value_pos:
                return self.value_pos[p]
            p = p[:-1]
        return self.value_pos.get((), (1, 1))

    def __getstate__(self) -> tuple[None, dict[str, Any]]:
        # Sent to another process without its strings: walking the data again
        # there, when a rule asks, costs less than pickling them.
        state = {name: getattr(self, name) for name in self.__slots__}
        state["_strings"] = None
        return None, state

    def strings(self) -> Strings:
        """Every string of the data as (path of its container, key, text), in document order.

        What the text rules read, walked once per document for all of them.
        """
        if self._strings is None:
            self._strings = _walk(self.data)
        return self._strings


def positions(text: str, stop: int | None = None) -> Positions:
    """Where each value and each mapping key of ``text`` starts (line, column; 1-based).

    For text the loader accepted (or, with ``stop``, its part before the
    character index ``stop``): the same events, walked again to note marks only.
    """
    value_pos: dict[Path_, tuple[int, int]] = {}
    key_pos: dict[Path_, tuple[int, int]] = {}
    # per open container: [is a mapping, its path, the key waiting for its value, items so far]
    stack: list[list[Any]] = []
    get_event = Parser(text).get_event
    while (ev := get_event()) is not None:
        kind = type(ev)
        if stop is not None and ev.start_mark.index >= stop:
            break
        if kind is _MAP_END or kind is _SEQ_END:
            stack.pop()
            continue
        if kind is not _SCALAR and kind is not _MAP_START and kind is not _SEQ_START:
            continue
        mark = ev.start_mark
        pos = (mark.line + 1, mark.column + 1)
        here: Path_ = ()
        if stack:
            top = stack[-1]
            if top[0] and top[2] is None:  # a mapping's key
                top[2] = ev.value
                key_pos[(*top[1], ev.value)] = pos
                continue
            if top[0]:
                here, top[2] = (*top[1], top[2]), None
            else:
                here = (*top[1], top[3])
                top[3] += 1
        value_pos[here] = pos
        if kind is not _SCALAR:
            stack.append([kind is _MAP_START, here, None, 0])
    return value_pos, key_pos


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
