"""A tiny SVG chart writer: bars and lines with axes, labels and threshold lines.

Pure: plain values in, SVG text out, rendered on the server so a chart needs no JavaScript,
prints, and is never fetched from elsewhere. Values are Decimals or numbers; labels are text.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 92, 16, 16, 48
#: about how many steps the value axis has
TICKS = 5
#: colours with at least 4.5:1 contrast on white (WCAG AA), told apart by pattern too
COLOURS = ("#1f5f99", "#a13d00", "#2e6b30", "#6b3fa0")


@dataclass(frozen=True)
class Series:
    name: str
    values: list  # one value (or None) per category
    kind: str = "bar"  # "bar" or "line"


@dataclass(frozen=True)
class Threshold:
    label: str
    value: Decimal


@dataclass(frozen=True)
class Chart:
    title: str
    categories: list[str]
    series: list[Series]
    thresholds: list[Threshold] = field(default_factory=list)
    #: how a tick value is written (e.g. the page's money format)
    tick_format: object = None


def svg(chart: Chart) -> str:
    """The chart as an accessible inline SVG element (role img, title and description)."""
    low, high = _range(chart)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = max(len(chart.categories), 1)
    band = plot_w / count

    def y(value) -> float:
        # A pixel position, not an amount: the amount stays a Decimal up to its share of the axis.
        return TOP + plot_h - float((Decimal(value) - low) / (high - low)) * plot_h

    parts = [_axes(chart, low, high, y, band)]
    bars = [s for s in chart.series if s.kind == "bar"]
    for index, series in enumerate(chart.series):
        colour = COLOURS[index % len(COLOURS)]
        if series.kind == "bar":
            parts.append(_bars(series, bars.index(series), len(bars), band, y, low, colour))
        else:
            parts.append(_line(series, band, y, colour))
    for threshold in chart.thresholds:
        if low <= threshold.value <= high:
            parts.append(_threshold(threshold, y(threshold.value), chart.tick_format))
    parts.append(_legend(chart))
    title = escape(chart.title)
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT + 24}" role="img" '
        f'aria-label="{title}" xmlns="http://www.w3.org/2000/svg"><title>{title}</title>'
        + "".join(parts)
        + "</svg>"
    )


def has_data(chart: Chart) -> bool:
    """Whether any series has a value (an empty chart says so in words instead)."""
    return any(v is not None for s in chart.series for v in s.values)


def _range(chart: Chart) -> tuple[Decimal, Decimal]:
    values = [Decimal(v) for s in chart.series for v in s.values if v is not None]
    values += [t.value for t in chart.thresholds]
    low, high = min(values + [Decimal(0)]), max(values + [Decimal(0)])
    step = _step(high - low)
    return (low / step).to_integral_value("ROUND_FLOOR") * step, (
        (high / step).to_integral_value("ROUND_CEILING") * step
    ) if high > low else low + step * TICKS


def _step(span: Decimal) -> Decimal:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving about TICKS ticks."""
    if span <= 0:
        return Decimal(1)
    rough = span / TICKS
    power = Decimal(10) ** (rough.adjusted())
    return next(power * m for m in (1, 2, Decimal("2.5"), 5, 10) if power * m >= rough)


def _ticks(low: Decimal, high: Decimal) -> list[Decimal]:
    step = _step(high - low)
    ticks, value = [], low
    while value <= high:
        ticks.append(value)
        value += step
    return ticks


def _label(value: Decimal, tick_format) -> str:
    if tick_format is not None:
        return tick_format(value)
    return f"{value.quantize(Decimal(1)) if abs(value) >= 10 else round(value, 2)}"


def _axes(chart: Chart, low, high, y, band) -> str:
    bottom = HEIGHT - BOTTOM
    out = [f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" stroke="#333"/>',
           f'<line x1="{LEFT}" y1="{y(max(low, 0))}" x2="{WIDTH - RIGHT}" y2="{y(max(low, 0))}" '
           'stroke="#333"/>']  # fmt: skip
    for tick in _ticks(low, high):
        text = escape(_label(tick, chart.tick_format))
        out.append(f'<line x1="{LEFT - 4}" y1="{y(tick):.1f}" x2="{WIDTH - RIGHT}" '
                   f'y2="{y(tick):.1f}" stroke="#ddd"/>')  # fmt: skip
        out.append(f'<text x="{LEFT - 8}" y="{y(tick) + 4:.1f}" text-anchor="end" '
                   f'font-size="11" fill="#222">{text}</text>')  # fmt: skip
    for index, category in enumerate(chart.categories):
        x = LEFT + band * index + band / 2
        out.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" font-size="12" '
                   f'fill="#222">{escape(category)}</text>')  # fmt: skip
    return "".join(out)


def _bars(series: Series, slot: int, slots: int, band: float, y, low, colour: str) -> str:
    width = band * 0.7 / slots
    out = []
    base = y(max(low, 0))
    for index, value in enumerate(series.values):
        if value is None:
            continue
        x = LEFT + band * index + band * 0.15 + width * slot
        top = y(value)
        out.append(f'<rect x="{x:.1f}" y="{min(top, base):.1f}" width="{width:.1f}" '
                   f'height="{abs(base - top):.1f}" fill="{colour}"><title>'
                   f'{escape(series.name)}: {escape(str(value))}</title></rect>')  # fmt: skip
    return "".join(out)


def _line(series: Series, band: float, y, colour: str) -> str:
    points = [(LEFT + band * i + band / 2, y(v)) for i, v in enumerate(series.values)
              if v is not None]  # fmt: skip
    if not points:
        return ""
    path = " ".join(f"{x:.1f},{py:.1f}" for x, py in points)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{py:.1f}" r="3.5" fill="{colour}"/>'
                   for x, py in points)  # fmt: skip
    return (f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5" '
            f'stroke-dasharray="6 3"/>{dots}')  # fmt: skip


def _threshold(threshold: Threshold, at: float, tick_format) -> str:
    label = escape(threshold.label)
    return (f'<line x1="{LEFT}" y1="{at:.1f}" x2="{WIDTH - RIGHT}" y2="{at:.1f}" '
            f'stroke="#8a1c1c" stroke-width="1.5" stroke-dasharray="2 3"/>'
            f'<text x="{WIDTH - RIGHT - 4}" y="{at - 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#8a1c1c">{label}</text>')  # fmt: skip


def _legend(chart: Chart) -> str:
    out, x = [], LEFT
    for index, series in enumerate(chart.series):
        colour = COLOURS[index % len(COLOURS)]
        out.append(f'<rect x="{x}" y="{HEIGHT + 6}" width="12" height="12" fill="{colour}"/>'
                   f'<text x="{x + 16}" y="{HEIGHT + 16}" font-size="12" fill="#222">'
                   f'{escape(series.name)}</text>')  # fmt: skip
        x += 24 + 7 * len(series.name)
    return "".join(out)
