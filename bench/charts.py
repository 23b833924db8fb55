"""SVG charts of the benchmark's figures: no script, readable on light and dark pages.

Colours come from a ``<style>`` inside the SVG with a ``prefers-color-scheme: dark`` rule,
which browsers apply to an SVG shown with ``<img>`` too; the background is transparent.
Both charts have log-scale time axes (the tools differ by two orders of magnitude) and print
every value next to its mark, so nothing needs to be read off an axis.
"""

from __future__ import annotations

import math
from html import escape

#: One colour per tool, chosen to stay apart on white and on near-black.
COLOURS = {
    "frostpress": "#2f7ae5",
    "floor-j2": "#8a8a8a",
    "floor": "#b0b0b0",
    "hugo": "#e5702f",
    "eleventy": "#2fa36b",
    "zensical": "#b54fd1",
    "pelican": "#c9a227",
    "frozen": "#d14f6f",
}
STYLE = """
text { font: 12px system-ui, -apple-system, "Segoe UI", sans-serif; fill: #222; }
.axis { stroke: #444; stroke-width: 1; }
.grid { stroke: #ccc; stroke-width: 0.5; }
.title { font-weight: 600; font-size: 14px; }
.small { font-size: 11px; fill: #555; }
@media (prefers-color-scheme: dark) {
  text { fill: #e6e6e6; }
  .axis { stroke: #bbb; }
  .grid { stroke: #555; }
  .small { fill: #aaa; }
}
"""


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> str:
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="t d">',
            f'<title id="t">{escape(title)}</title>',
            f'<desc id="d">{escape(desc)}</desc>',
            f"<style>{STYLE}</style>",
            *body,
            "</svg>",
            "",
        ]
    )


def _log_ticks(lo: float, hi: float) -> list[float]:
    ticks = []
    for e in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1):
        for m in (1, 2, 5):
            v = m * 10.0**e
            if lo <= v <= hi:
                ticks.append(v)
    return ticks


def _num(v: float) -> str:
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.0f}" if v == int(v) else f"{v:.1f}"
    return f"{v:g}" if v >= 1 else f"{v:.2g}"


def build_time_chart(series: dict[str, dict[int, float]], title: str) -> str:
    """Seconds of a cold build against pages, one line per tool (log-log)."""
    width, height, left, right, top, bottom = 720, 420, 60, 120, 40, 50
    sizes = sorted({n for s in series.values() for n in s})
    values = [v for s in series.values() for v in s.values() if v > 0]
    if not sizes or not values:
        return _svg(width, height, title, "no data", [])
    xlo, xhi = min(sizes) / 1.3, max(sizes) * 1.3
    ylo, yhi = min(values) / 1.5, max(values) * 1.5

    def x(n: float) -> float:
        return left + (math.log(n) - math.log(xlo)) / (math.log(xhi) - math.log(xlo)) * (
            width - left - right
        )

    def y(v: float) -> float:
        span = math.log(yhi) - math.log(ylo)
        return top + (1 - (math.log(v) - math.log(ylo)) / span) * (height - top - bottom)

    body = [f'<text class="title" x="{left}" y="22">{escape(title)}</text>']
    for t in _log_ticks(ylo, yhi):
        body.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(t):.1f}" '
                    f'y2="{y(t):.1f}"/>')  # fmt: skip
        body.append(f'<text class="small" x="{left - 6}" y="{y(t) + 4:.1f}" '
                    f'text-anchor="end">{_num(t)} s</text>')  # fmt: skip
    for n in sizes:
        body.append(f'<text class="small" x="{x(n):.1f}" y="{height - bottom + 18}" '
                    f'text-anchor="middle">{n:,}</text>')  # fmt: skip
    body.append(f'<text class="small" x="{(left + width - right) / 2:.0f}" '
                f'y="{height - 10}" text-anchor="middle">pages (log scale)</text>')  # fmt: skip
    body.append(f'<line class="axis" x1="{left}" x2="{left}" y1="{top}" '
                f'y2="{height - bottom}"/>')  # fmt: skip
    body.append(f'<line class="axis" x1="{left}" x2="{width - right}" y1="{height - bottom}" '
                f'y2="{height - bottom}"/>')  # fmt: skip
    labels: list[tuple[float, float, str, str]] = []  # (y, x, tool, text) at line ends
    for tool, points in series.items():
        colour = COLOURS.get(tool, "#777")
        pts = sorted((n, v) for n, v in points.items() if v > 0)
        if not pts:
            continue
        path = " ".join(f"{x(n):.1f},{y(v):.1f}" for n, v in pts)
        wide = 3 if tool == "frostpress" else 2
        body.append(f'<polyline fill="none" stroke="{colour}" stroke-width="{wide}" '
                    f'points="{path}"/>')  # fmt: skip
        for n, v in pts:
            body.append(
                f'<circle cx="{x(n):.1f}" cy="{y(v):.1f}" r="3.5" fill="{colour}">'
                f"<title>{escape(tool)}: {v:.2f} s at {n:,} pages</title></circle>"
            )
        n, v = pts[-1]
        labels.append((y(v) + 4, x(n) + 8, tool, f"{tool} {_num(v)} s"))
    body += _spread_labels(labels)
    desc = "; ".join(
        f"{tool}: " + ", ".join(f"{v:.2f} s at {n}" for n, v in sorted(p.items()))
        for tool, p in series.items()
    )
    return _svg(width, height, title, desc, body)


def _spread_labels(labels: list[tuple[float, float, str, str]]) -> list[str]:
    """End-of-line labels moved apart vertically so that none overlaps the one above."""
    out, last = [], -1e9
    for yy, xx, tool, text in sorted(labels):
        yy = max(yy, last + 14)
        last = yy
        colour = COLOURS.get(tool, "#777")
        out.append(f'<text x="{xx:.1f}" y="{yy:.1f}" style="fill:{colour}">{escape(text)}</text>')
    return out


def loop_chart(bars: dict[str, dict[str, float | None]], modes: list[str], title: str) -> str:
    """Horizontal bars: seconds per tool for each way of seeing an edit (log scale)."""
    row_h, gap, left, right, top = 18, 14, 110, 90, 56
    tools = list(bars)
    height = top + len(tools) * (len(modes) * row_h + gap) + 40
    width = 720
    values = [v for b in bars.values() for v in b.values() if v]
    if not values:
        return _svg(width, 120, title, "no data", [])
    lo, hi = min(min(values) / 2, 0.1), max(values) * 1.5

    def x(v: float) -> float:
        span = math.log(hi) - math.log(lo)
        return left + (math.log(v) - math.log(lo)) / span * (width - left - right)

    shades = ["1", "0.55", "0.3"]
    body = [f'<text class="title" x="10" y="22">{escape(title)}</text>']
    for i, mode in enumerate(modes):
        lx = 10 + i * 230
        body.append(f'<rect x="{lx}" y="32" width="12" height="12" fill="#888" '
                    f'fill-opacity="{shades[i % 3]}"/>')  # fmt: skip
        body.append(f'<text class="small" x="{lx + 16}" y="42">{escape(mode)}</text>')
    bottom = height - 30
    for t in _log_ticks(lo, hi):
        body.append(f'<line class="grid" x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{top - 4}" '
                    f'y2="{bottom}"/>')  # fmt: skip
        body.append(f'<text class="small" x="{x(t):.1f}" y="{bottom + 14}" '
                    f'text-anchor="middle">{_num(t)} s</text>')  # fmt: skip
    yy = top
    for tool in tools:
        colour = COLOURS.get(tool, "#777")
        mid = yy + len(modes) * row_h / 2 + 4
        body.append(f'<text x="{left - 8}" y="{mid:.0f}" text-anchor="end">{escape(tool)}</text>')
        for i, mode in enumerate(modes):
            v = bars[tool].get(mode)
            if v:
                body.append(f'<rect x="{left}" y="{yy}" width="{x(v) - left:.1f}" '
                            f'height="{row_h - 3}" fill="{colour}" '
                            f'fill-opacity="{shades[i % 3]}"><title>{escape(tool)}, '
                            f"{escape(mode)}: {v:.2f} s</title></rect>")  # fmt: skip
                body.append(f'<text class="small" x="{x(v) + 4:.1f}" y="{yy + 12}">'
                            f"{v:.2f} s</text>")  # fmt: skip
            else:
                body.append(f'<text class="small" x="{left + 4}" y="{yy + 12}">'
                            "not measured</text>")  # fmt: skip
            yy += row_h
        yy += gap
    body.append(f'<line class="axis" x1="{left}" x2="{left}" y1="{top - 4}" y2="{bottom}"/>')
    desc = "; ".join(
        f"{tool}: " + ", ".join(f"{m} {v:.2f} s" for m, v in b.items() if v)
        for tool, b in bars.items()
    )
    return _svg(width, height, title, desc, body)
