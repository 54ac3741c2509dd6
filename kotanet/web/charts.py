"""Small inline SVG charts (no JavaScript, no external assets). Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from kotanet.timeutil import to_micros

__all__ = ["line_chart"]

WIDTH, HEIGHT = 560, 140
_PAD_L, _PAD_R, _PAD_T, _PAD_B = 44, 8, 8, 20
_COLOURS = ("#2f7dd1", "#c2761a", "#7a4fb5")


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    for m in (1, 2, 2.5, 5, 10):
        step = m * 10 ** (len(str(int(value))) - 1)
        if step >= value:
            return float(step)
    return float(value)


def line_chart(series: Sequence[Sequence[tuple[dt.datetime, float]]], start: dt.datetime, end: dt.datetime, *,
               unit: str, fixed_max: float | None = None) -> str:
    """An SVG line chart of one or more series over [start, end), with a y axis in ``unit``."""
    lo, hi = to_micros(start), to_micros(end)
    span = max(hi - lo, 1)
    values = [v for s in series for _, v in s]
    top = fixed_max if fixed_max is not None else _nice_max(max(values, default=0.0))
    plot_w, plot_h = WIDTH - _PAD_L - _PAD_R, HEIGHT - _PAD_T - _PAD_B

    def x(at: dt.datetime) -> float:
        return _PAD_L + plot_w * (to_micros(at) - lo) / span

    def y(v: float) -> float:
        return _PAD_T + plot_h * (1 - min(max(v / top, 0.0), 1.0))

    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
             f'xmlns="http://www.w3.org/2000/svg">']
    for frac in (0.0, 0.5, 1.0):
        yy = _PAD_T + plot_h * (1 - frac)
        parts.append(f'<line x1="{_PAD_L}" x2="{WIDTH - _PAD_R}" y1="{yy:.1f}" y2="{yy:.1f}" class="grid"/>')
        parts.append(f'<text x="{_PAD_L - 4}" y="{yy + 4:.1f}" text-anchor="end" class="axis">'
                     f'{top * frac:g} {unit}</text>')
    parts.append(f'<text x="{_PAD_L}" y="{HEIGHT - 4}" class="axis">{start:%m-%d %H:%M}</text>')
    parts.append(f'<text x="{WIDTH - _PAD_R}" y="{HEIGHT - 4}" text-anchor="end" class="axis">{end:%m-%d %H:%M}</text>')
    for i, s in enumerate(series):
        if not s:
            continue
        pts = " ".join(f"{x(a):.1f},{y(v):.1f}" for a, v in s)
        parts.append(f'<polyline fill="none" stroke="{_COLOURS[i % len(_COLOURS)]}" stroke-width="1.5" '
                     f'points="{pts}"/>')
    parts.append("</svg>")
    return "".join(parts)
