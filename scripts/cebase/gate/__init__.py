"""The pull-request gate: what a pull request changes, who may change it, and when.

A pull request is data, never code. Its stages, one module each:

- ``change``: the change as values (paths decoded once, placed by ``layout.place``),
  the base and head trees, who asks and when;
- ``checks``: the registry of change rules and ``check_changes``; the rules live in
  ``files`` (names, places, modes, types, limits, unreferenced attachments),
  ``scope`` (own folder, maintainers, reviews), ``deadlines`` (deadlines,
  reviewed records) and ``identity`` (incumbents, names);
- ``run``: reads the merge with Git (``cebase.git``), validates the touched records,
  runs the change rules;
- ``printable``: the printable forms of the touched submissions (``check-pr --forms-dir``),
  decided as ``cebase form`` decides, from this run's validation;
- ``report`` and ``comment``: the structured report and the comment rendered from it
  (``python -I -m cebase.gate.comment REPORT.json``; not imported here, so that it
  runs as a script without a second copy of itself).
"""

from __future__ import annotations

from .change import Change, GitTree, Request, Tree, Where, where
from .checks import check_changes
from .rule import CHANGE_RULES
from .run import BadRevision, Result, run, scope, touched_submissions

__all__ = [
    "CHANGE_RULES",
    "BadRevision",
    "Change",
    "GitTree",
    "Request",
    "Result",
    "Tree",
    "Where",
    "check_changes",
    "run",
    "scope",
    "touched_submissions",
    "where",
]
