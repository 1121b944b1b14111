"""Metric names and values as people type them: `views 2.7M`, `sentiment -40%`, `150K`.

Pure functions; a mistake raises `BadMetric` naming what was wrong and what to type instead.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime

from app.metrics.models import METRIC_MAX, SOURCE_MAX, UNIT_MAX, URL_MAX

NAME = re.compile(rf"^[a-z][a-z0-9_-]{{0,{METRIC_MAX - 1}}}$")
NUMBER = re.compile(r"^([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+)([A-Za-z%]*)$")
MULTIPLIERS = {"k": 1e3, "m": 1e6, "b": 1e9, "bn": 1e9}
SHOWN = ((1e9, "B"), (1e6, "M"), (1e3, "K"))


class BadMetric(ValueError):
    """What was wrong with a metric as given, and what to give instead (one line)."""


@dataclass(frozen=True)
class PointIn:
    """A point as given, checked: a name, a finite value, its unit, when and where from."""

    metric: str
    value: float
    at: datetime
    unit: str = ""
    source: str = ""
    url: str | None = None


def metric_name(word: str) -> str:
    name = word.strip().lower()
    if not NAME.match(name):
        raise BadMetric(
            f"`{word[:METRIC_MAX]}` is not a metric name: use a word of letters, digits, _ or - "
            f"(at most {METRIC_MAX}), like `views` or `sentiment`."
        )
    return name


def parse_value(word: str) -> tuple[float, str]:
    """`2.7M` → (2700000.0, ""), `-40%` → (-40.0, "%"), `1,200` → (1200.0, ""),
    `45min` → (45.0, "min"). K, M, B (any case) multiply; anything else after the number is
    its unit."""
    match = NUMBER.match(word.strip())
    if match is None:
        raise BadMetric(f"`{word[:30]}` is not a number: type it like `2.7M`, `150K` or `-40%`.")
    number, suffix = float(match.group(1).replace(",", "")), match.group(2)
    multiplier = MULTIPLIERS.get(suffix.lower())
    if multiplier is not None:
        return _finite(number * multiplier, word), ""
    if len(suffix) > UNIT_MAX:
        raise BadMetric(f"`{suffix[:30]}` is too long for a unit (at most {UNIT_MAX} characters).")
    return _finite(number, word), suffix


def _finite(value: float, word: str) -> float:
    if not math.isfinite(value):
        raise BadMetric(f"`{word[:30]}` is not a number I can store.")
    return value


def checked_source(source: str) -> str:
    source = source.strip()
    if len(source) > SOURCE_MAX:
        raise BadMetric(f"The source is {len(source)} characters; keep it under {SOURCE_MAX}.")
    return source


def checked_url(url: str | None) -> str | None:
    if url is None or not url.strip():
        return None
    url = url.strip()
    if len(url) > URL_MAX or not url.startswith(("https://", "http://")):
        raise BadMetric(f"The url must start with https:// and be at most {URL_MAX} characters.")
    return url


def shown(value: float, unit: str = "") -> str:
    """How a value reads in Slack and in charts: 2700000 → "2.7M", -40 % → "-40%"."""
    if not unit:
        for size, letter in SHOWN:
            if abs(value) >= size:
                return f"{_trim(value / size)}{letter}"
    return f"{_trim(value)}{unit}"


def _trim(number: float) -> str:
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text
