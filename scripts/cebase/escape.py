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


def https_link(url: object, text: object | None = None) -> str:
    """An ``<a>`` element for an https URL, or just the escaped text for anything else.

    Only ``https:`` is linked (no ``javascript:``, ``data:``, ``http:``); external
    links open without an opener reference or a referrer.
    """
    href = str(url).strip()
    label = html(href if text is None else text)
    if not re.fullmatch(r"https://[^\s\"'<>`\\]+", href):
        return label
    return f'<a href="{html(href)}" rel="noopener noreferrer">{label}</a>'


# What Python-Markdown lets a backslash escape; others would show the backslash.
_MD_ESCAPABLE = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


def markdown_text(text: object) -> str:
    """Text for a Python-Markdown line (a heading, a table cell): shown literally.

    Unlike ``md_inline`` it escapes only what Python-Markdown can escape, and
    writes ``&``, ``<`` and ``>`` as entities, so no stray backslash is shown.
    """
    flat = _NEWLINES.sub(" ", str(text))
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_ESCAPABLE.sub(r"\\\1", flat)
