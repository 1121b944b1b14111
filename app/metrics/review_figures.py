"""The review's figures for each metric (pure): its peak, how long the storm took to peak, and
how long after the first approved public statement the metric recovered.

- Baseline: the recovery rule's `baseline` when the playbook gives one, else the metric's first
  point in the incident.
- Peak: the point furthest from the baseline, either way (views climb to 2.7M, sentiment sinks
  to −40%: both are the storm at its worst); the earliest of equals. Time to peak: from the
  incident's opening.
- Recovery: with a recovery rule for the metric, the first time after the statement that the
  rule holds, exactly as its alert judges it (app/metrics/crossings.py: back within the band
  for the rule's whole duration, judged at `now`). Without one: the first point after the
  statement back within 10% of the baseline, once the metric had left that band. A metric
  that never left its band has nothing to recover from; one that left and did not come back
  is "not recovered".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.metrics.crossings import Point, crossings
from app.metrics.thresholds import Recovery, Threshold

DEFAULT_BAND = 10.0  # percent of the baseline, without a recovery rule


class Recovered(StrEnum):
    YES = "recovered"
    NOT = "not recovered"
    NEVER_LEFT = "never left its baseline"
    NO_STATEMENT = "no approved public statement"


@dataclass(frozen=True)
class MetricFigures:
    metric: str
    unit: str
    baseline: float
    peak: float
    peak_at: datetime
    to_peak: timedelta  # from the incident's opening
    recovered: Recovered
    to_recovery: timedelta | None = None  # from the first approved statement, when recovered
    rule: str = ""  # what "recovered" meant: the rule's description, or the default band


def metric_figures(
    metric: str,
    unit: str,
    points: Sequence[Point],
    *,
    opened_at: datetime,
    statement_at: datetime | None,
    rule: Threshold | None,
    now: datetime,
) -> MetricFigures:
    """The figures of one metric whose `points` are not empty (any order)."""
    series = sorted(points, key=lambda point: point.at)
    recovery = rule.condition if rule is not None else None
    assert recovery is None or isinstance(recovery, Recovery)
    given = recovery.baseline if recovery is not None else None
    baseline = series[0].value if given is None else given
    peak = max(series, key=lambda point: (abs(point.value - baseline), -point.at.timestamp()))
    recovered, at = _recovery(series, baseline, statement_at, rule, now)
    return MetricFigures(
        metric=metric,
        unit=unit,
        baseline=baseline,
        peak=peak.value,
        peak_at=peak.at,
        to_peak=peak.at - opened_at,
        recovered=recovered,
        to_recovery=at - statement_at if at is not None and statement_at is not None else None,
        rule=rule.describe()
        if rule is not None
        else f"back within {DEFAULT_BAND:g}% of the first point",
    )


def _recovery(
    series: Sequence[Point],
    baseline: float,
    statement_at: datetime | None,
    rule: Threshold | None,
    now: datetime,
) -> tuple[Recovered, datetime | None]:
    if statement_at is None:
        return Recovered.NO_STATEMENT, None
    if rule is not None:
        found = crossings(rule, series, now=now, opened_at=series[0].at)
        at = next((crossing.at for crossing in found if crossing.at > statement_at), None)
        if at is not None:
            return Recovered.YES, at
        return (Recovered.NOT if _left(rule, series, baseline) else Recovered.NEVER_LEFT), None
    band = DEFAULT_BAND * abs(baseline) / 100
    left = False
    for point in series:
        inside = abs(point.value - baseline) <= band
        if left and inside and point.at > statement_at:
            return Recovered.YES, point.at
        left = left or not inside
    return (Recovered.NOT if left else Recovered.NEVER_LEFT), None


def _left(rule: Threshold, series: Sequence[Point], baseline: float) -> bool:
    """Whether the metric ever left the rule's band around its baseline."""
    recovery = rule.condition
    assert isinstance(recovery, Recovery)
    band = recovery.tolerance * abs(baseline) / 100 if recovery.relative else recovery.tolerance
    return any(abs(point.value - baseline) > band for point in series)


def recovery_rule(rules: Sequence[Threshold]) -> Threshold | None:
    """The first recovery rule among a metric's rules, if any."""
    return next((rule for rule in rules if isinstance(rule.condition, Recovery)), None)
