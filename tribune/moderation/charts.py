"""Charts drawn on the server as inline SVG: nothing to load, nothing run in
the browser. Each chart has a title and a description for assistive
technology, and the page puts the same numbers in a table beside it."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

# Distinguishable for the common colour-vision deficiencies (Okabe–Ito).
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "4 4", "10 2")

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _frame(chart_id: str, title: str, description: str, body: str) -> SafeString:
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        w=WIDTH, h=HEIGHT, id=chart_id, title=title, desc=description, body=mark_safe(body),  # noqa: S308 - built from escaped parts below
    )


def _axes(y_max: float, x_labels: Sequence[str], fmt: Callable[[float], str]) -> str:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = []
    for i in range(5):
        value = y_max * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(fmt(value))}</text>"
        )
    count = len(x_labels)
    step = max(1, count // 7)
    for i, label in enumerate(x_labels):
        if i % step and i != count - 1:
            continue
        x = _x(i, count)
        parts.append(
            f'<text class="tick" x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    parts.append(
        f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{HEIGHT - BOTTOM}" '
        f'y2="{HEIGHT - BOTTOM}"/>'
    )
    return "".join(parts)


def _x(i: int, count: int) -> float:
    plot_w = WIDTH - LEFT - RIGHT
    return LEFT + (plot_w * i / (count - 1) if count > 1 else plot_w / 2)


def line_chart(
    *, chart_id: str, title: str, description: str, x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    fmt: Callable[[float], str] = lambda v: f"{v:g}",
) -> SafeString:
    """Lines over days; a None value leaves a gap. Series differ by colour and
    by dash pattern, so they read apart in grey too."""
    values = [v for _, vs in series for v in vs if v is not None]
    y_max = _nice_max(max(values, default=0))
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [_axes(y_max, x_labels, fmt)]
    for n, (_name, vs) in enumerate(series):
        colour, dash = PALETTE[n % len(PALETTE)], DASHES[n % len(DASHES)]
        segments: list[list[str]] = [[]]
        for i, v in enumerate(vs):
            if v is None:
                segments.append([])
                continue
            y = TOP + plot_h - plot_h * v / y_max
            segments[-1].append(f"{_x(i, len(vs)):.1f},{y:.1f}")
            parts.append(
                f'<circle cx="{_x(i, len(vs)):.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>'
            )
        for points in segments:
            if len(points) > 1:
                parts.append(
                    f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" '
                    f'stroke-dasharray="{dash}" points="{" ".join(points)}"/>'
                )
    return _frame(chart_id, title, description, "".join(parts))


def bar_chart(
    *, chart_id: str, title: str, description: str,
    bars: Sequence[tuple[str, float, str]], maximum: float = 1.0,
) -> SafeString:
    """Horizontal bars: (label, value between 0 and ``maximum``, shown value)."""
    row = 34
    height = max(60, TOP + row * len(bars) + 8)
    label_w = 150
    plot_w = WIDTH - label_w - 80
    parts = []
    for i, (label, value, shown) in enumerate(bars):
        y = TOP + i * row
        w = plot_w * (value / maximum if maximum else 0)
        parts.append(
            f'<text class="tick" x="{label_w - 8}" y="{y + 17}" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y + 4}" width="{plot_w}" height="20" class="track"/>'
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="20" fill="{PALETTE[2]}"/>'
            f'<text class="value" x="{label_w + plot_w + 8}" y="{y + 19}">{escape(shown)}</text>'
        )
    body = "".join(parts)
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        w=WIDTH, h=height, id=chart_id, title=title, desc=description, body=mark_safe(body),  # noqa: S308 - built from escaped parts
    )


def legend(names: Sequence[str]) -> SafeString:
    return format_html_join(
        "", '<li><svg width="28" height="10" aria-hidden="true"><line x1="0" x2="28" y1="5" '
        'y2="5" stroke="{}" stroke-width="3" stroke-dasharray="{}"/></svg> {}</li>',
        ((PALETTE[n % len(PALETTE)], DASHES[n % len(DASHES)], name)
         for n, name in enumerate(names)),
    )
