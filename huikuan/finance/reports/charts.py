"""The reports' charts: described as plain data (:class:`Chart`), drawn by matplotlib once as
SVG for the web page and as PNG (150 dpi) for the PDF.

matplotlib is imported inside :func:`_figure` only: the command line and the server start
without it (it takes about half a second to import). Text is set in the CJK font the PDF
uses (WenQuanYi Micro Hei, else Noto Sans CJK), so Chinese labels draw as Chinese.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

LINE, BAR, STACKED, HBAR = "line", "bar", "stacked", "hbar"
# Series colours: the letterhead's red first, then calm blues and greys.
COLOURS = ("#8b1a1a", "#2f5d8a", "#d08c2e", "#5b8c5a", "#7a6a9a", "#999999", "#c05050")
FONT_FILES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
)
PNG_DPI = 150


@dataclass(frozen=True)
class Chart:
    """A chart of one or more series over the same labels; ``target`` draws a dashed line
    (a KPI's goal). Values are Decimals; None leaves a gap."""

    kind: str
    title: str
    labels: list[str]
    series: dict[str, list[Decimal | None]]
    target: Decimal | None = None
    target_label: str = ""
    unit: str = ""
    highlight: int | None = None  # a bar drawn darker (the report's own day)
    extra: dict = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.labels or not any(v for values in self.series.values() for v in values if v)


@cache
def _font_family() -> str | None:
    """Register the CJK font with matplotlib once per process; its family name."""
    from matplotlib import font_manager

    for path in FONT_FILES:
        if path.exists():
            font_manager.fontManager.addfont(str(path))
            return font_manager.FontProperties(fname=str(path)).get_name()
    return None


def _floats(values: list[Decimal | None]) -> list[float]:
    return [float("nan") if value is None else float(value) for value in values]


def _render(chart: Chart, *, fmt: str, width: float = 7.2, height: float = 2.9, dpi: int = 100) -> bytes:
    """Draw and save the chart inside the font's rc context: tick labels are made while saving."""
    import matplotlib
    from matplotlib.figure import Figure

    family = _font_family()
    rc = {"axes.unicode_minus": False, "font.size": 8.5, "svg.hashsalt": "huikuan", "svg.fonttype": "none"}
    if family:
        rc["font.family"] = [family, "sans-serif"]
    with matplotlib.rc_context(rc):
        # Fixed margins: a layout engine would draw the chart twice (a third of the time).
        figure = Figure(figsize=(width, height), dpi=100)
        rotated = chart.kind != HBAR and len(chart.labels) > 8
        legend = len(chart.series) > 1 or chart.target is not None
        bottom = (0.22 if rotated else 0.13) + (0.11 if legend else 0)
        left = 0.24 if chart.kind == HBAR else 0.11  # room for the categories' names
        figure.subplots_adjust(left=left, right=0.98, top=0.88, bottom=bottom)
        axes = figure.add_subplot()
        _draw(axes, chart)
        axes.set_title(chart.title, loc="left", fontsize=10, color="#222222")
        axes.spines[["top", "right"]].set_visible(False)
        axes.grid(axis="x" if chart.kind == HBAR else "y", color="#dddddd", linewidth=0.6)
        axes.set_axisbelow(True)
        if legend:  # below the chart, never over its bars
            entries = len(chart.series) + (chart.target is not None)
            axes.legend(frameon=False, fontsize=7.5, loc="upper center", ncols=min(entries, 4),
                        bbox_to_anchor=(0.5, -0.3 if rotated else -0.1))  # fmt: skip
        buffer = io.BytesIO()
        figure.savefig(buffer, format=fmt, dpi=dpi, metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()


def _draw(axes, chart: Chart) -> None:
    positions = list(range(len(chart.labels)))
    names = list(chart.series)
    if chart.kind == LINE:
        for index, name in enumerate(names):
            axes.plot(
                positions,
                _floats(chart.series[name]),
                marker="o",
                markersize=3,
                linewidth=1.6,
                color=COLOURS[index % len(COLOURS)],
                label=name,
            )
    elif chart.kind in (BAR, STACKED):
        stacked = chart.kind == STACKED
        width = 0.7 if stacked else 0.8 / max(len(names), 1)
        bottom = [0.0] * len(positions)
        for index, name in enumerate(names):
            values = [0.0 if v != v else v for v in _floats(chart.series[name])]
            x = positions if stacked else [p - 0.4 + width * (index + 0.5) for p in positions]
            colours = [COLOURS[index % len(COLOURS)]] * len(values)
            if chart.highlight is not None and len(names) == 1:
                colours = ["#bbbbbb"] * len(values)
                colours[chart.highlight] = COLOURS[0]
            axes.bar(x, values, width, bottom=bottom if stacked else None, color=colours, label=name)
            if stacked:
                bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    elif chart.kind == HBAR:
        left = [0.0] * len(positions)
        for index, name in enumerate(names):
            values = [0.0 if v != v else v for v in _floats(chart.series[name])]
            axes.barh(positions, values, 0.6, left=left, color=COLOURS[index % len(COLOURS)], label=name)
            left = [a + v for a, v in zip(left, values, strict=True)]
        axes.invert_yaxis()
    if chart.target is not None:
        line = axes.axhline if chart.kind != HBAR else axes.axvline
        line(float(chart.target), color="#2e7d32", linestyle="--", linewidth=1.2, label=chart.target_label)
    ticks = axes.set_yticks if chart.kind == HBAR else axes.set_xticks
    ticks(positions, chart.labels)
    if chart.kind != HBAR and len(chart.labels) > 8:
        axes.tick_params(axis="x", labelrotation=45, labelsize=7)
    if chart.unit:
        (axes.set_xlabel if chart.kind == HBAR else axes.set_ylabel)(chart.unit, fontsize=7.5)
    (axes.xaxis if chart.kind == HBAR else axes.yaxis).set_major_formatter(_thousands())


def _thousands():
    from matplotlib.ticker import FuncFormatter

    def text(value: float, _position: object) -> str:
        if abs(value) >= 10_000:
            return f"{value / 10_000:,.0f}万" if abs(value) >= 100_000 else f"{value / 10_000:,.1f}万"
        return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.1f}"

    return FuncFormatter(text)


def chart_svg(chart: Chart) -> str:
    """The chart as SVG markup."""
    return _render(chart, fmt="svg").decode()


def chart_data_uri(chart: Chart) -> str:
    """The SVG as a data URI for an ``<img>``: the page's Content-Security-Policy allows no
    inline style, and matplotlib's SVG is styled inline; an image's insides are its own."""
    return "data:image/svg+xml;base64," + base64.b64encode(_render(chart, fmt="svg")).decode()


def chart_png(chart: Chart, *, width: float = 7.2, height: float = 2.9) -> bytes:
    """The chart as PNG at 150 dpi, for the PDF."""
    return _render(chart, fmt="png", width=width, height=height, dpi=PNG_DPI)
