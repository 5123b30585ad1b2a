"""Bar charts drawn as SVG on the server: no chart library, nothing to download."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

WIDTH = 640
HEIGHT = 220
BAR_AREA = 160  # the tallest bar; the rest holds the labels


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
