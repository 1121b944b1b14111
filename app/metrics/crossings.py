"""When a threshold was crossed: pure functions of the rule, one series and `now`.

A crossing is the rule's condition going from false to true; it re-arms once the condition is
false again. Crossings are numbered 1, 2, … in the order they happened, so the same points give
the same numbers on every replica and after every restart: (rule, source, number) is what an
alert is stored under, once. Only points measured by `now` count.

- Level and change: judged at each point. A change compares the point with every earlier point
  of the window (`within`); a relative change from 0 is no change (there is nothing to be a
  percentage of).
- Recovery: the value must first leave the band around the baseline; a recovery is completed
  when it has then stayed inside for the whole duration, judged at `now` (or at the next point,
  if that one is outside). After a recovery it must leave again to recover again. A baseline of
  0 with a relative band is met only by 0 itself: write the band in the metric's units.
- Silence: a gap of at least the limit between the incident's opening and the first point, or
  between two points, or from the last point to `now`; one crossing per gap. The flow passes
  the times points were *received*: a late point measured long ago does not end a silence the
  war room lived through.

A look need not read the whole series (app/flows/metric_alerts.py): given `since`, the series may
be a slice that starts as far back as app/metrics/lookback.py says, and only crossings from
`since` on are judged; given `last` (the last crossing stored), only later ones are new, and
they are numbered on from it. Two processes reading the same points number a crossing alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from app.metrics.thresholds import Change, Level, Recovery, Silence, Threshold


@dataclass(frozen=True)
class Point:
    at: datetime
    value: float


@dataclass(frozen=True)
class Last:
    """The last crossing stored of one rule in one series."""

    number: int
    at: datetime


@dataclass(frozen=True)
class Crossing:
    number: int
    at: datetime  # when the condition became true
    value: float | None  # the value then (a silence: the last value before it, if any)
    reference: float | None = None  # a change: where it moved from; a recovery: the baseline


def crossings(
    rule: Threshold,
    series: Iterable[Point],
    *,
    now: datetime,
    opened_at: datetime,
    since: datetime | None = None,
    last: Last | None = None,
    first: float | None = None,
) -> list[Crossing]:
    """The crossings of `rule` in `series` (any order) up to `now`: every one, or with `since`
    those from then on, and with `last` those after it, numbered on from it. `first` is the
    series' first value when `series` is a slice (a recovery's baseline); `opened_at` is when
    a silence starts to count (the opening, or in a slice its first point)."""
    points = _until(series, now)
    condition = rule.condition
    if isinstance(condition, Level):
        found = _levels(condition, points)
    elif isinstance(condition, Change):
        found = _changes(condition, points)
    elif isinstance(condition, Recovery):
        found = _recoveries(condition, points, now, first).found
    else:
        found = _silences(condition, points, now, opened_at)
    if since is not None:
        found = [item for item in found if item[0] >= since]
    if last is not None:
        found = [item for item in found if item[0] > last.at]
    return [
        Crossing(number, at, value, reference)
        for number, (at, value, reference) in enumerate(found, 1 + (last.number if last else 0))
    ]


def next_check(
    rule: Threshold,
    series: Iterable[Point],
    *,
    now: datetime,
    opened_at: datetime,
    first: float | None = None,
) -> datetime | None:
    """When `rule` can next be crossed without a new point (a silence growing long enough, a
    recovery lasting long enough); None when only a new point can cross it."""
    points = _until(series, now)
    condition = rule.condition
    if isinstance(condition, Recovery):
        started = _recoveries(condition, points, now, first).started
        return None if started is None else started + condition.lasting
    if isinstance(condition, Silence):
        last = max([opened_at, *(point.at for point in points)])
        deadline = last + condition.limit
        return deadline if deadline > now else None
    return None


Found = tuple[datetime, float | None, float | None]


def _until(series: Iterable[Point], now: datetime) -> list[Point]:
    return sorted((point for point in series if point.at <= now), key=lambda point: point.at)


def _levels(level: Level, points: Sequence[Point]) -> list[Found]:
    found: list[Found] = []
    before = False
    for point in points:
        now_true = point.value >= level.bound if level.above else point.value <= level.bound
        if now_true and not before:
            found.append((point.at, point.value, None))
        before = now_true
    return found


def _changes(change: Change, points: Sequence[Point]) -> list[Found]:
    found: list[Found] = []
    before = False
    first = 0  # the oldest point still within the window of the current one
    for index, point in enumerate(points):
        while point.at - points[first].at > change.within:
            first += 1
        moved_from = _moved_from(change, points[first:index], point.value)
        if moved_from is not None and not before:
            found.append((point.at, point.value, moved_from))
        before = moved_from is not None
    return found


def _moved_from(change: Change, earlier: Sequence[Point], value: float) -> float | None:
    """The earlier value `value` moved furthest from in the rule's direction, if far enough."""
    best: tuple[float, float] | None = None
    for point in earlier:
        moved = _moved(change, point.value, value)
        if moved is not None and moved >= change.amount and (best is None or moved > best[0]):
            best = (moved, point.value)
    return None if best is None else best[1]


def _moved(change: Change, old: float, new: float) -> float | None:
    """How far from `old` to `new` in the rule's direction (percent or units); None when a
    percentage of 0 is asked for."""
    delta = new - old if change.rises else old - new
    if not change.relative:
        return delta
    return None if old == 0 else delta / abs(old) * 100


@dataclass(frozen=True)
class _Recoveries:
    found: list[Found]
    started: datetime | None  # when the recovery still under way began


def _recoveries(
    recovery: Recovery, points: Sequence[Point], now: datetime, first: float | None
) -> _Recoveries:
    if not points:
        return _Recoveries([], None)
    baseline = recovery.baseline
    if baseline is None:
        baseline = points[0].value if first is None else first
    band = recovery.tolerance * abs(baseline) / 100 if recovery.relative else recovery.tolerance
    found: list[Found] = []
    left, started, last = False, None, None
    for point in points:
        if started is not None and point.at > started + recovery.lasting:
            found.append((started + recovery.lasting, last, baseline))
            left, started = False, None
        inside = abs(point.value - baseline) <= band
        if not inside:
            left, started = True, None
        elif left and started is None:
            started = point.at
        last = point.value
    if started is not None and now >= started + recovery.lasting:
        found.append((started + recovery.lasting, last, baseline))
        started = None
    return _Recoveries(found, started)


def _silences(
    silence: Silence, points: Sequence[Point], now: datetime, opened_at: datetime
) -> list[Found]:
    found: list[Found] = []
    since, value = opened_at, None
    for point in points:
        if point.at >= since:
            if point.at - since >= silence.limit:
                found.append((since + silence.limit, value, None))
            since = point.at
        value = point.value
    if now - since >= silence.limit:
        found.append((since + silence.limit, value, None))
    return found
