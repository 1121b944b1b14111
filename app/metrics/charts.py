"""A metric's series over the incident as a PNG people read at a glance (pure: no database,
no Slack).

matplotlib draws it headless: a `Figure` of its own on the Agg canvas, never pyplot's global
figures, so nothing outlives a chart. matplotlib (with numpy) costs ~47 MB of resident memory
once imported, about half of the bot's idle budget (issue 12: ≤ 100 MB), so this module imports
it only inside the functions that draw, and the bot draws in a short-lived child process
(`app/metrics/chart_child.py`); tests and the child call these functions directly.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from app.metrics.values import shown

if TYPE_CHECKING:  # (drawn only when a chart is made: see the module's docstring)
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH, HEIGHT, DPI = 12, 6, 100  # inches at 100 dpi: 1200 × 600 px
SERIES = "series"  # the gid of the metric's lines, one per source (tests find them by it)
MIN_SPAN = timedelta(minutes=30)  # a lone point still gets a readable time axis
LABEL_MAX = 40
MARKERS_MAX = 200  # a dot on each point up to this many; beyond, the line alone

ALERT, RECOVERY, STATEMENT, UPDATE = "alert", "recovery", "statement", "update"
# kind → (colour, line style, what the legend calls it, whether each line is labelled)
MARK_STYLES: Mapping[str, tuple[str, str, str, bool]] = {
    ALERT: ("#c62828", "-", "Alert", True),
    RECOVERY: ("#2e7d32", "-", "Recovery", True),
    STATEMENT: ("#6a1b9a", "--", "Statement approved", True),
    UPDATE: ("#757575", ":", "Update posted", False),
}
LINES = ("#1565c0", "#00897b", "#5e35b1", "#6d4c41", "#c2185b", "#455a64")  # per source
THRESHOLD, INK, MUTED = "#ef6c00", "#1d1c1d", "#616061"


class ChartPoint(NamedTuple):
    at: datetime
    value: float
    source: str = ""  # each source is a line of its own (views on tiktok, on youtube)


class Bound(NamedTuple):
    """A value drawn across the chart: a threshold's level, a recovery's baseline."""

    label: str  # "views above 1M"
    value: float


class Mark(NamedTuple):
    at: datetime
    label: str  # "views above 1M", "A-3 approved", "update"
    kind: str  # ALERT, RECOVERY, STATEMENT or UPDATE


@dataclass(frozen=True)
class ChartData:
    """One metric of one incident: its points (oldest first), the thresholds drawn across
    it and the moments marked along the time axis."""

    incident_ref: str
    metric: str
    unit: str
    points: tuple[ChartPoint, ...]
    thresholds: tuple[Bound, ...] = ()
    marks: tuple[Mark, ...] = ()

    def lines(self) -> dict[str, list[ChartPoint]]:
        """The points of each source, in time order; sources in the order they first came."""
        found: dict[str, list[ChartPoint]] = {}
        for point in sorted(self.points, key=lambda point: point.at):
            found.setdefault(point.source, []).append(point)
        return found

    @property
    def title(self) -> str:
        return f"{self.metric} — {self.incident_ref}"

    @property
    def filename(self) -> str:
        return f"{self.incident_ref}-{self.metric}.png"


def render_png(chart: ChartData) -> bytes:
    """The chart as PNG bytes, WIDTH × HEIGHT inches at DPI (1200 × 600 pixels)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = figure_for(chart)
    canvas = FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    canvas.print_png(buffer, metadata={"Software": None})  # (no version: same chart, same PNG)
    figure.clear()  # its artists go now, not whenever the collector gets to them
    return buffer.getvalue()


def figure_for(chart: ChartData) -> Figure:
    """The drawn figure, for `render_png` and for tests that read its lines back."""
    from matplotlib.figure import Figure

    if not chart.points:
        raise ValueError(f"no points of {chart.metric} to draw")
    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
    figure.subplots_adjust(left=0.08, right=0.97, top=0.88, bottom=0.12)
    axes = figure.add_subplot()
    _series(axes, chart)
    for threshold in chart.thresholds:
        axes.axhline(
            threshold.value,
            color=THRESHOLD,
            linestyle="--",
            linewidth=1.4,
            label=_clip(threshold.label),
            gid="threshold",
        )
    _marks(axes, chart)
    _axes(axes, chart)
    return figure


def _series(axes: Axes, chart: ChartData) -> None:
    """A line per source, its latest value written beside its last point."""
    lines = chart.lines()
    for number, (source, points) in enumerate(lines.items()):
        colour = LINES[number % len(LINES)]
        label = f"{chart.metric} · {source}" if source and len(lines) > 1 else chart.metric
        axes.plot(
            [_x(point.at) for point in points],
            [point.value for point in points],
            color=colour,
            linewidth=2.4,
            marker="o" if len(points) <= MARKERS_MAX else "",
            markersize=4,
            label=_clip(label),
            gid=SERIES,
            zorder=3,
        )
        last = points[-1]
        axes.annotate(
            shown(last.value, chart.unit),
            xy=(_x(last.at), last.value),
            xytext=(6, 8),
            textcoords="offset points",
            fontsize=13,
            fontweight="bold",
            color=colour,
        )


def _marks(axes: Axes, chart: ChartData) -> None:
    """A vertical line per mark; the legend names each kind once. Alerts are labelled along
    the top, statements along the bottom; a label close to another of its row goes on the
    other side of its line, and a third is left to the legend."""
    from matplotlib.transforms import blended_transform_factory

    along = blended_transform_factory(axes.transData, axes.transAxes)
    first, last = _span(chart)
    close = (last - first) * 0.02
    named: set[str] = set()
    rows: dict[bool, list[datetime]] = {True: [], False: []}
    for mark in sorted(chart.marks):
        colour, style, legend, labelled = MARK_STYLES.get(mark.kind, MARK_STYLES[UPDATE])
        label = legend if legend not in named else "_nolegend_"
        named.add(legend)
        axes.axvline(
            _x(mark.at), color=colour, linestyle=style, linewidth=1.3, label=label, gid=mark.kind
        )
        on_top = mark.kind != STATEMENT
        near = sum(1 for other in rows[on_top] if mark.at - other <= close)
        if not labelled or not mark.label or near >= 2:
            continue
        rows[on_top].append(mark.at)
        axes.text(
            _x(mark.at),
            0.98 if on_top else 0.02,
            f" {_clip(mark.label)} ",
            transform=along,
            rotation=90,
            va="top" if on_top else "bottom",
            ha="right" if near == 0 else "left",
            fontsize=8,
            color=colour,
        )


def _axes(axes: Axes, chart: ChartData) -> None:
    """Title, human numbers up the side (2.7M, -40%), UTC times along the bottom."""
    from matplotlib import dates
    from matplotlib.ticker import FuncFormatter

    axes.set_title(chart.title, loc="left", fontsize=16, fontweight="bold", color=INK, pad=14)
    unit = chart.unit
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: shown(value, unit)))
    locator = dates.AutoDateLocator(tz=UTC)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(dates.ConciseDateFormatter(locator, tz=UTC))
    axes.set_xlabel("Time (UTC)", color=MUTED)
    first, last = _span(chart)
    axes.set_xlim(_x(first), _x(last))
    axes.grid(True, color="#dddddd", linewidth=0.8)
    axes.tick_params(labelsize=11, colors=INK)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    low, high = _values_span(chart)
    if low == high:  # one value (or a flat line): show it against zero, not ±0.05
        pad = max(abs(low) * 0.2, 1.0)
        axes.set_ylim(min(low - pad, 0.0), max(high + pad, 0.0))
    # Above the plot, right of the title: it never hides a point.
    axes.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=5, fontsize=9, frameon=False)


def _values_span(chart: ChartData) -> tuple[float, float]:
    values = [point.value for point in chart.points] + [t.value for t in chart.thresholds]
    return min(values), max(values)


def _span(chart: ChartData) -> tuple[datetime, datetime]:
    """Every point and mark in view, with a margin; at least MIN_SPAN wide."""
    moments = [point.at for point in chart.points] + [mark.at for mark in chart.marks]
    first, last = min(moments), max(moments)
    width = max(last - first, MIN_SPAN)
    middle = first + (last - first) / 2
    half = width / 2 * 1.08
    return middle - half, middle + half


def _clip(text: str) -> str:
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


def _x(moment: datetime) -> float:
    """A time as matplotlib's date axis counts it (days since its epoch)."""
    from matplotlib import dates

    return float(dates.date2num(moment))


def chart_json(chart: ChartData) -> dict[str, Any]:
    """The chart as JSON (to the drawing child process)."""
    return {
        "incident_ref": chart.incident_ref,
        "metric": chart.metric,
        "unit": chart.unit,
        "points": [[p.at.isoformat(), p.value, p.source] for p in chart.points],
        "thresholds": [[t.label, t.value] for t in chart.thresholds],
        "marks": [[m.at.isoformat(), m.label, m.kind] for m in chart.marks],
    }


def chart_from(data: Mapping[str, Any]) -> ChartData:
    """`chart_json` read back."""
    return ChartData(
        incident_ref=str(data["incident_ref"]),
        metric=str(data["metric"]),
        unit=str(data["unit"]),
        points=tuple(
            ChartPoint(_moment(at), float(value), str(source))
            for at, value, source in data["points"]
        ),
        thresholds=tuple(Bound(str(label), float(v)) for label, v in data["thresholds"]),
        marks=tuple(Mark(_moment(at), str(label), str(kind)) for at, label, kind in data["marks"]),
    )


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
