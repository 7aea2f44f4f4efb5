"""Horizontal bar charts drawn as static SVG at build time (no JavaScript, no CDN)."""

from __future__ import annotations

from ..escape import html

BAR_H, GAP, LABEL_W, CHART_W, NUM_W = 26, 8, 190, 560, 50


def bar_chart(title: str, rows: list[tuple[str, int]]) -> str:
    """An accessible SVG: a title, and each bar with its label and count as text."""
    height = max(1, len(rows)) * (BAR_H + GAP) + GAP
    top = max((n for _, n in rows), default=0) or 1
    plot_w = CHART_W - LABEL_W - NUM_W
    parts = [
        f'<svg class="ce-svg" role="img" aria-label="{html(title)}" viewBox="0 0 {CHART_W} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{html(title)}</title>",
    ]
    for i, (label, n) in enumerate(rows):
        y = GAP + i * (BAR_H + GAP)
        w = round(plot_w * n / top, 1)
        mid = y + BAR_H / 2 + 5
        parts.append(
            f'<text x="{LABEL_W - 8}" y="{mid}" text-anchor="end" class="ce-svg__label">'
            f"{html(label)}</text>"
            f'<rect x="{LABEL_W}" y="{y}" width="{w}" height="{BAR_H}" class="ce-svg__bar"/>'
            f'<text x="{LABEL_W + w + 6}" y="{mid}" class="ce-svg__num">{n}</text>'
        )
    parts.append("</svg>")
    # one line: Markdown keeps a raw HTML block intact only without blank lines
    return "".join(parts)
