"""Bar charts drawn as SVG on the server: no chart library, nothing to download."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from huikuan.core.money import quantize_ratio

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
