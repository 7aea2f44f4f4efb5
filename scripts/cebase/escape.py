"""One place that makes untrusted text safe for each output it can reach."""

from __future__ import annotations

import re

from markupsafe import escape as _html_escape

# Characters with a meaning in Markdown (CommonMark + tables + the site's extensions).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~^=:$&])")
_NEWLINES = re.compile(r"[\r\n]+")


def html(text: object) -> str:
    """Text for an HTML element or attribute value."""
    return str(_html_escape(str(text)))


def md_inline(text: object) -> str:
    """Text for a Markdown line or table cell: no markup, no HTML, no line breaks.

    Markdown escapes first, then HTML entities for what a Markdown renderer
    would pass through raw (so ``<script>`` is shown as text).
    """
    flat = _NEWLINES.sub(" ", str(text))
    return _MD_SPECIAL.sub(r"\\\1", flat).replace("<", "&lt;").replace(">", "&gt;")


def workflow_data(text: str) -> str:
    """Message text of a GitHub workflow command (newlines would start a new command)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def workflow_property(text: str) -> str:
    return workflow_data(text).replace(":", "%3A").replace(",", "%2C")
