"""Bar charts drawn as SVG on the server: no chart library, nothing to download."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from huikuan.core.money import quantize_ratio

WIDTH = 640
HEIGHT = 220
BAR_AREA = 160  # the tallest bar; the rest holds the labels
LEGEND_HEIGHT = 16
LEGEND_SLOT = 200  # the width of one series' key in a line chart's legend


@dataclass(frozen=True)
class Bar:
    label: str
    amount: Decimal
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = BAR_AREA + 20


def bar_chart(values: list[tuple[str, Decimal]]) -> BarChart:
    """One bar per (label, amount), scaled to the largest; negative amounts draw no bar."""
    largest = max((amount for _, amount in values), default=Decimal(0))
    slot = WIDTH // max(len(values), 1)
    bars = []
    for index, (label, amount) in enumerate(values):
        height = int(amount * BAR_AREA / largest) if largest > 0 and amount > 0 else 0
        bars.append(
            Bar(label, amount, index * slot + slot // 6, BAR_AREA + 20 - height, slot * 2 // 3, height)
        )
    return BarChart(bars)


@dataclass(frozen=True)
class Gauge:
    """A half-circle gauge of how much of a credit limit is used (the arc stops at 100 %)."""

    share: Decimal | None  # used / limit; None without a positive limit
    arc: str  # SVG path of the used part
    over: bool
    track: str = "M 20 100 A 80 80 0 0 1 180 100"


def gauge(*, used: Decimal, limit: Decimal | None) -> Gauge:
    """The gauge of ``used`` against ``limit``: drawing coordinates only, the figures stay Decimal."""
    if not limit or limit <= 0:
        return Gauge(None, "", used > 0)
    share = used / limit
    angle = math.pi * float(min(max(share, Decimal(0)), Decimal(1)))
    x, y = 100 - 80 * math.cos(angle), 100 - 80 * math.sin(angle)
    arc = f"M 20 100 A 80 80 0 0 1 {x:.2f} {y:.2f}" if share > 0 else ""
    return Gauge(quantize_ratio(share, Decimal("0.0001")), arc, share > 1)


@dataclass(frozen=True)
class Line:
    name: str
    points: str  # SVG polyline points "x,y x,y …"
    dots: list[tuple[int, int, str, Decimal]]  # x, y, label, value
    legend_x: int = 0  # where its key starts in the legend above the chart


@dataclass(frozen=True)
class LineChart:
    lines: list[Line]
    labels: list[tuple[int, str]]  # x of each period's label
    top: Decimal
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = BAR_AREA + 20


def line_chart(labels: list[str], series: dict[str, list[Decimal | None]]) -> LineChart:
    """One line per series over the same periods, scaled to the largest value; a missing value
    (None) leaves a gap in the dots and is skipped by the line."""
    values = [v for points in series.values() for v in points if v is not None]
    top = max([*values, Decimal(0)])
    slot = WIDTH // max(len(labels), 1)
    xs = [index * slot + slot // 2 for index in range(len(labels))]

    def y(value: Decimal) -> int:
        # The highest dot stays below the legend.
        height = int(max(value, Decimal(0)) * (BAR_AREA - LEGEND_HEIGHT) / top) if top > 0 else 0
        return BAR_AREA + 20 - height

    lines = []
    for number, (name, points) in enumerate(series.items()):
        dots = [(x, y(v), label, v) for x, label, v in zip(xs, labels, points, strict=True) if v is not None]
        points_text = " ".join(f"{x},{dot_y}" for x, dot_y, _, _ in dots)
        lines.append(Line(name, points_text, dots, legend_x=number * LEGEND_SLOT))
    return LineChart(lines, list(zip(xs, labels, strict=True)), top)
