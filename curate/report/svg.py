"""Small inline-SVG charts: no JavaScript, no network, same bytes for the same data.

Each function returns one ``<svg>`` element sized by ``viewBox`` so it scales with the page and
prints crisply. Numbers are formatted with fixed precision, so output is deterministic.
"""

from __future__ import annotations

from html import escape

PALETTE = ("#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#d53f8c", "#319795", "#b7791f", "#718096")
FONT = 'font-family="system-ui,sans-serif" font-size="11"'


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def fmt(x: float) -> str:
    """Compact axis labels: 1234 -> 1.2k, 0.0003 -> 3e-04."""
    ax = abs(x)
    if ax >= 1e6:
        return f"{x / 1e6:.1f}M".replace(".0M", "M")
    if ax >= 1e4:
        return f"{x / 1e3:.0f}k"
    if ax >= 1e3:
        return f"{x / 1e3:.1f}k".replace(".0k", "k")
    if ax == 0 or ax >= 1:
        return f"{x:.0f}" if x == int(x) else f"{x:.2f}".rstrip("0").rstrip(".")
    return f"{x:.3f}".rstrip("0").rstrip(".") if ax >= 0.001 else f"{x:.0e}"


def _svg(w: int, h: int, body: list[str], label: str) -> str:
    return (
        f'<svg viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMinYMin meet" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg" {FONT}>'
        f"<title>{escape(label)}</title>{''.join(body)}</svg>"
    )


def hbars(items: list[tuple[str, float, str]], label: str, width: int = 640, unit: str = "") -> str:
    """Horizontal bars: one row per (label, value, color)."""
    if not items:
        return ""
    row, left, right = 20, 170, 70
    top = max(v for _, v, _ in items) or 1
    body = []
    for i, (name, v, color) in enumerate(items):
        y = i * row
        w = (width - left - right) * v / top
        body.append(
            f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{escape(name[:28])}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{_f(max(w, 0.5 if v else 0))}" height="{row - 6}" fill="{color}" rx="2"/>'
            f'<text x="{_f(left + w + 4)}" y="{y + 14}">{escape(fmt(v))}{escape(unit)}</text>'
        )
    return _svg(width, row * len(items) + 4, body, label)


def stacked(items: list[tuple[str, float, str]], label: str, width: int = 640) -> str:
    """One stacked bar with a legend underneath: shares of a whole."""
    total = sum(v for _, v, _ in items) or 1
    x, body = 0.0, []
    for name, v, color in items:
        w = width * v / total
        if w > 0:
            body.append(
                f'<rect x="{_f(x)}" y="0" width="{_f(w)}" height="22" fill="{color}">'
                f"<title>{escape(name)}: {v:,.0f}</title></rect>"
            )
        x += w
    lx, ly = 0.0, 40
    for name, v, color in items:
        text = f"{name} {v:,.0f} ({100 * v / total:.1f}%)"
        step = 14 + 6.2 * len(text) + 16
        if lx + step > width:
            lx, ly = 0, ly + 18
        body.append(
            f'<rect x="{_f(lx)}" y="{ly - 9}" width="10" height="10" fill="{color}"/>'
            f'<text x="{_f(lx + 14)}" y="{ly}">{escape(text)}</text>'
        )
        lx += step
    return _svg(width, ly + 8, body, label)


def histogram(
    edges: list[float],
    counts: list[int],
    over: int,
    label: str,
    color: str = PALETTE[0],
    width: int = 320,
    height: int = 150,
) -> str:
    """Vertical bars over bins; the overflow count (values above the last edge) drawn hatched."""
    if not counts:
        return ""
    left, bottom, top_pad = 34, 20, 14
    bins = [*counts, over] if over else list(counts)
    top = max(bins) or 1
    bw = (width - left - 4) / len(bins)
    ph = height - bottom - top_pad
    body = [
        f'<text x="{left}" y="10" fill="#555">{escape(label)}</text>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 2}" y2="{height - bottom}" stroke="#999"/>',
        f'<text x="{left - 4}" y="{top_pad + 8}" text-anchor="end" fill="#555">{fmt(top)}</text>',
    ]
    for i, c in enumerate(bins):
        h = ph * c / top
        extra = i >= len(counts)
        body.append(
            f'<rect x="{_f(left + i * bw + 0.5)}" y="{_f(height - bottom - h)}" width="{_f(max(bw - 1, 0.5))}" '
            f'height="{_f(h)}" fill="{"#a0aec0" if extra else color}"><title>'
            f"{escape(f'> {fmt(edges[-1])}' if extra else f'{fmt(edges[i])}–{fmt(edges[i + 1])}')}: {c:,}</title></rect>"
        )
    n = len(edges) - 1
    ticks = [(0, "start", fmt(edges[0])), (n // 2, "middle", fmt(edges[n // 2]))]
    # the last label sits at the right edge; with an overflow bar it reads "<edge>+"
    ticks.append((len(bins), "end", f"{fmt(edges[-1])}+" if over else fmt(edges[-1])))
    for i, anchor, text in ticks:
        body.append(
            f'<text x="{_f(left + i * bw)}" y="{height - 6}" text-anchor="{anchor}" fill="#555">{escape(text)}</text>'
        )
    return _svg(width, height, body, label)


def lines(
    series: list[tuple[str, list[list[float]], str]],
    label: str,
    width: int = 640,
    height: int = 220,
) -> str:
    """Line chart of (name, [[x, y], ...], color) with axes and a legend."""
    pts = [p for _, s, _ in series for p in s]
    if not pts:
        return ""
    left, right, top_pad, bottom = 46, 10, 24, 24
    x0, x1 = min(p[0] for p in pts), max(p[0] for p in pts)
    y0, y1 = min(p[1] for p in pts), max(p[1] for p in pts)
    pad = (y1 - y0) * 0.05 or abs(y1) * 0.05 or 1
    y0, y1 = y0 - pad, y1 + pad
    xs = (width - left - right) / ((x1 - x0) or 1)
    ys = (height - top_pad - bottom) / (y1 - y0)

    def px(x: float) -> float:
        return left + (x - x0) * xs

    def py(y: float) -> float:
        return height - bottom - (y - y0) * ys

    body = [
        f'<rect x="{left}" y="{top_pad}" width="{width - left - right}" height="{height - top_pad - bottom}" fill="none" stroke="#ddd"/>'
    ]
    for i in range(5):
        y = y0 + (y1 - y0) * i / 4
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_f(py(y))}" y2="{_f(py(y))}" stroke="#eee"/>'
            f'<text x="{left - 4}" y="{_f(py(y) + 4)}" text-anchor="end" fill="#555">{fmt(round(y, 3))}</text>'
        )
    for i in range(5):
        x = x0 + (x1 - x0) * i / 4
        body.append(
            f'<text x="{_f(px(x))}" y="{height - 8}" text-anchor="middle" fill="#555">{fmt(round(x))}</text>'
        )
    lx = left
    for name, s, color in series:
        if not s:
            continue
        path = " ".join(f"{_f(px(x))},{_f(py(y))}" for x, y in s)
        body.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        if len(s) <= 40:
            body.extend(
                f'<circle cx="{_f(px(x))}" cy="{_f(py(y))}" r="2.5" fill="{color}"/>' for x, y in s
            )
        body.append(
            f'<rect x="{lx}" y="6" width="10" height="10" fill="{color}"/><text x="{lx + 14}" y="15">{escape(name)}</text>'
        )
        lx += 24 + 7 * len(name)
    return _svg(width, height, body, label)
