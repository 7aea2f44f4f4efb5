"""The printable forms (附件1/2/3) of the submissions a pull request touches.

The same decision as ``cebase form``, from the gate's own validation of the
materialised merge: a form when the submission and its institution record have
no errors, a watermarked draft when the only errors are missing stamped scans,
nothing otherwise. The HTML is the base commit's ``forms.render`` of the pull
request's values (every value escaped); file names are built here from the
folder names, which must be a USCC and a cycle id.
"""

from __future__ import annotations

import traceback
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .. import layout
from ..armour import SealedValue
from ..findings import Finding, Severity
from ..forms import forms_for, render, stamped_gaps
from ..registry import Submission
from .run import Result

# Only the bureau may touch many institutions at once; its pull requests need no forms.
MAX_FORMS = 20


def file_name(uscc: str, cycle: str) -> str:
    """The form's file in the artifact: ``<USCC>-<cycle>.html``."""
    return f"{uscc}-{cycle}.html"


@dataclass(frozen=True)
class Printed:
    """One submission's printable forms, as the report lists them."""

    uscc: str
    cycle: str
    forms: list[str]  # "1", or "2" and "3"
    file: str  # "" when not generated
    draft: bool = False
    missing: list[str] | None = None  # the stamped scans a draft still lacks
    errors: int = 0  # why nothing was generated (0 with no file: rendering failed)
    sealed: bool = False  # not generated: the forms need sealed values no key here opens

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "missing": list(self.missing or [])}


def _errors(result: Result, sub: Submission) -> list[Finding]:
    """The validation errors of the submission's folder and its institution record."""
    inst = result.registry.institutions[sub.uscc]
    own = inst.record.relpath if inst.record is not None else None
    return [
        f
        for f in result.checked
        if f.severity is Severity.ERROR and (f.path == own or f.path.startswith(sub.folder + "/"))
    ]


def _one(result: Result, sub: Submission, folder: Path) -> Printed | None:
    forms = forms_for(sub)
    if not forms or not (
        layout.USCC_FOLDER.fullmatch(sub.uscc) and layout.CYCLE_ID.fullmatch(sub.cycle)
    ):
        return None
    inst = result.registry.institutions[sub.uscc]
    rec = sub.get("application") or sub.get("assessment")
    errors = _errors(result, sub)
    gaps = stamped_gaps(errors, rec.data if rec is not None else None) or []
    usable = inst.record is not None and inst.record.valid and rec is not None
    if not usable or (errors and not gaps) or not (rec.valid or gaps):
        return Printed(sub.uscc, sub.cycle, forms, "", errors=max(len(errors), 1))
    name = file_name(sub.uscc, sub.cycle)
    try:
        html = render(result.registry, sub, forms, draft=bool(gaps))
    except SealedValue:  # CI holds no key: the bureau prints these with its own
        return Printed(sub.uscc, sub.cycle, forms, "", sealed=True)
    except Exception:  # a printing fault must not decide the gate's verdict
        traceback.print_exc()
        return Printed(sub.uscc, sub.cycle, forms, "")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(html, encoding="utf-8")
    return Printed(sub.uscc, sub.cycle, forms, name, draft=bool(gaps), missing=gaps)


def print_forms(result: Result, folder: Path) -> list[Printed]:
    """Write the forms of the touched submissions under ``folder``; what was (not) written."""
    out = []
    for sub in result.submissions[:MAX_FORMS]:
        printed = _one(result, sub, folder)
        if printed is not None:
            out.append(printed)
    return out
