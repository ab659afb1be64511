"""Server-rendered SVG charts: no JavaScript, no CDN (the CSP allows only 'self'), printable in black and white.

Every element also carries its colours as presentation attributes (WeasyPrint does not style inline SVG from
the page's stylesheet; on the site the stylesheet's classes win). Every point carries its value as a text label and the line is drawn with markers, so the chart reads without
colour; pages always show the same numbers in a data table next to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 28, 44


@dataclass
class Chart:
    title: str
    svg: SafeString


def _label(value, unit_label: str) -> str:
    if value is None:
        return "—"
    text = number_format(value, 1) if isinstance(value, float) else str(value)
    return f"{text}{unit_label}"


def line_chart(points: Sequence[tuple[str, float | int | None]], *, title: str, unit_label: str = "",
               bars: bool = False) -> Chart:
    """A line (or bar) chart of labelled values; a percentage chart (unit "%") is scaled 0–100."""
    values = [v for _label_text, v in points if v is not None]
    top = 100.0 if unit_label == "%" else max([*values, 1])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(points), 1)

    def y(value: float) -> float:
        return TOP + plot_h - (value / top) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" class="chart" preserveAspectRatio="xMidYMid meet">',
        f"<title>{escape(title)}</title>",
    ]
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        gy = y(top * fraction)
        parts.append(f'<line class="chart-grid" stroke="#bbb" stroke-dasharray="3 3" x1="{LEFT}" y1="{gy:.1f}" x2="{WIDTH - RIGHT}" y2="{gy:.1f}"/>')
        tick = round(top * fraction) if unit_label == "%" or top >= 4 else round(top * fraction, 1)
        parts.append(f'<text class="chart-axis" font-size="12" fill="#444" x="{LEFT - 6}" y="{gy + 4:.1f}" text-anchor="end">'
                     f"{escape(str(tick))}</text>")
    coords = []
    for index, (text, value) in enumerate(points):
        cx = LEFT + step * index + step / 2
        parts.append(f'<text class="chart-axis" font-size="12" fill="#444" x="{cx:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">'
                     f"{escape(text)}</text>")
        if value is None:
            continue
        cy = y(float(value))
        if bars:
            bar_w = step * 0.6
            parts.append(f'<rect class="chart-bar" fill="#ddd" stroke="#000" stroke-width="1.5" x="{cx - bar_w / 2:.1f}" y="{cy:.1f}" width="{bar_w:.1f}" '
                         f'height="{TOP + plot_h - cy:.1f}"/>')
        else:
            coords.append(f"{cx:.1f},{cy:.1f}")
        parts.append(f'<text class="chart-value" font-size="12" font-weight="700" fill="#000" x="{cx:.1f}" y="{cy - 8:.1f}" text-anchor="middle">'
                     f"{escape(_label(value, unit_label))}</text>")
    if coords:
        parts.append(f'<polyline class="chart-line" fill="none" stroke="#0a2a5e" stroke-width="3" points="{" ".join(coords)}"/>')
        for c in coords:
            cx, cy = c.split(",")
            parts.append(f'<circle class="chart-point" fill="#fff" stroke="#000" stroke-width="2.5" cx="{cx}" cy="{cy}" r="4"/>')
    parts.append(f'<line class="chart-baseline" stroke="#000" stroke-width="1.5" x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" '
                 f'y2="{TOP + plot_h}"/>')
    parts.append("</svg>")
    return Chart(title=title, svg=mark_safe("".join(parts)))  # noqa: S308 - every text part is escaped above
