"""Findings: every problem the tool reports is one of these values.

Rules and loaders only create findings; reporters (``report.py``) turn them
into terminal text, GitHub annotations, JSON or Markdown.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"  # nothing to fix (e.g. checks waiting for the bureau's key)


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    path: str  # relative to the registry root, POSIX separators
    line: int  # 1-based; 0 when the finding is about the whole file
    col: int  # 1-based; 0 when unknown
    rule: str
    message: str  # Chinese: what is wrong and how to fix it
    severity: Severity = Severity.ERROR
    field: str = ""  # dotted field path inside the record, "" for the whole file

    def location(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.col or 1}"
        return self.path

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "rule": self.rule,
            "severity": str(self.severity),
            "field": self.field,
            "message": self.message,
        }


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def field_path(parts: Iterable[str | int]) -> str:
    """Dotted path a person can read: ``conditions.faculty.roster[2].name``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
