"""The "Key metrics" field of the update form, one metric a line: `views: 2.7M (tiktok)`.

Pure. The form is prefilled from the latest values (`prefill`) and read back when it is
submitted (`parse_lines`). A line that does not read as `name: value [source]` stays text of
the update and nothing more; it is never an error, because the field was free text before it
held numbers and people still write sentences in it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.metrics.models import MetricPoint
from app.metrics.values import BadMetric, checked_source, metric_name, parse_value, shown

HINT = "One per line: name: value [source]"
# An optional bullet, a one-word name, a colon, a value and whatever follows as the source.
LINE = re.compile(
    r"^\s*(?:[-•*]\s+)?(?P<name>[^\s:]+)\s*:\s*(?P<value>\S+)(?:\s+(?P<source>.*?))?\s*$"
)


@dataclass(frozen=True)
class MetricLine:
    """One line of the field that names a metric and its value."""

    metric: str
    value: float
    unit: str = ""
    source: str = ""


def parse_line(line: str) -> MetricLine | None:
    """`views: 2.7M (tiktok)` → MetricLine("views", 2.7e6, "", "tiktok"); None for a line that
    is not a metric (a sentence, a time like `14:05`, a bad name or value)."""
    match = LINE.match(line)
    if match is None:
        return None
    try:
        name = metric_name(match["name"])
        value, unit = parse_value(match["value"])
        source = checked_source(_unwrapped(match["source"] or ""))
    except BadMetric:
        return None
    return MetricLine(metric=name, value=value, unit=unit, source=source)


def parse_lines(text: str) -> list[MetricLine]:
    """The lines of `text` that are metrics, in order; the others are left out."""
    return [found for line in text.splitlines() if (found := parse_line(line)) is not None]


def _unwrapped(source: str) -> str:
    """A source in parentheses, as the prefill writes it, without them."""
    source = source.strip()
    if len(source) >= 2 and source[0] == "(" and source[-1] == ")":
        return source[1:-1].strip()
    return source


def line_of(metric: str, value: float, unit: str = "", source: str = "") -> str:
    """The line `parse_line` reads back: `views: 2.7M (tiktok)`, `sentiment: -40%`."""
    where = f" ({source})" if source else ""
    return f"{metric}: {shown(value, unit)}{where}"


def prefill(latest: Mapping[str, Sequence[MetricPoint]], limit: int) -> str:
    """One line per metric from its newest point, in the order given, as many as fit in
    `limit` characters (the field's maximum), so the form always opens."""
    lines: list[str] = []
    used = 0
    for points in latest.values():
        if not points:
            continue
        newest = points[0]
        line = line_of(newest.metric, newest.value, newest.unit, newest.source)
        if used + len(line) + (1 if lines else 0) > limit:
            break
        used += len(line) + (1 if lines else 0)
        lines.append(line)
    return "\n".join(lines)


def changed(line: MetricLine, newest: MetricPoint | None) -> bool:
    """Whether the line says something the newest stored point does not.

    The prefill shows values rounded (2,712,345 as `2.71M`), so a line still showing what the
    prefill showed is the same value, not a new one: it must not store a rounded copy. A new
    value is one that reads differently, or has another unit."""
    if newest is None:
        return True
    if line.unit != newest.unit:
        return True
    if line.value == newest.value:
        return False
    return shown(line.value, line.unit) != shown(newest.value, newest.unit)
