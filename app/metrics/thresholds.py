"""Thresholds on metrics, as plain values: what a playbook's `metrics:` section says.

Four conditions: a level (`views above 1M`), a change within a window (`sentiment drops 30%
within 2h`), a recovery (`sentiment back within 10% of baseline for 24h`) and a silence (no
`views` point for `stale_after` × its expected interval). A threshold is a condition on one
metric and what crossing it does: raise the severity (the lead is asked), shorten the update
cadence, tell the executives. `describe()` is how people read it, and, being unique within a
playbook (the loader refuses a rule listed twice), it is also the rule's key in the alerts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from app.incidents.models import Severity
from app.metrics.values import shown

DEFAULT_STALE_AFTER = 3


class AlertKind(StrEnum):
    ABOVE = "above"
    BELOW = "below"
    DROPS = "drops"
    RISES = "rises"
    RECOVERY = "recovery"
    STALE = "stale"


@dataclass(frozen=True)
class Level:
    """The value reaches `bound` (above: ≥, below: ≤)."""

    bound: float
    above: bool = True
    unit: str = ""


@dataclass(frozen=True)
class Change:
    """The value moves by `amount` (percent of where it was, or in the metric's units) within
    `within`: up when `rises`, else down."""

    amount: float
    within: timedelta
    rises: bool = False
    relative: bool = True
    unit: str = ""


@dataclass(frozen=True)
class Recovery:
    """After leaving it, the value stays within `tolerance` (percent of the baseline, or in
    the metric's units) of the baseline for `lasting`. The baseline is `baseline`, else the
    metric's first point in the incident."""

    tolerance: float
    lasting: timedelta
    relative: bool = True
    baseline: float | None = None
    unit: str = ""


@dataclass(frozen=True)
class Silence:
    """No point for `times` × `expected` (since the last one, or since the incident opened)."""

    expected: timedelta
    times: int = DEFAULT_STALE_AFTER

    @property
    def limit(self) -> timedelta:
        return self.expected * self.times


Condition = Level | Change | Recovery | Silence


@dataclass(frozen=True)
class Threshold:
    metric: str
    condition: Condition
    raise_to: Severity | None = None
    cadence_minutes: int | None = None
    escalate: bool = False

    @property
    def kind(self) -> AlertKind:
        condition = self.condition
        if isinstance(condition, Level):
            return AlertKind.ABOVE if condition.above else AlertKind.BELOW
        if isinstance(condition, Change):
            return AlertKind.RISES if condition.rises else AlertKind.DROPS
        return AlertKind.RECOVERY if isinstance(condition, Recovery) else AlertKind.STALE

    @property
    def key(self) -> str:
        """The rule's key in the alerts: its description."""
        return self.describe()

    def describe(self) -> str:
        """e.g. "views above 1M", "sentiment drops 30% within 2h",
        "sentiment back within 10% of baseline for 24h", "views silent for 1h30m"."""
        c, name = self.condition, self.metric
        if isinstance(c, Level):
            return f"{name} {self.kind.value} {shown(c.bound, c.unit)}"
        if isinstance(c, Change):
            moved = amount(c.amount, c.relative, c.unit)
            return f"{name} {self.kind.value} {moved} within {span(c.within)}"
        if isinstance(c, Recovery):
            return f"{name} back within {tolerance(c)} for {span(c.lasting)}"
        return f"{name} silent for {span(c.limit)}"


def amount(value: float, relative: bool, unit: str = "") -> str:
    return f"{shown(value)}%" if relative else shown(value, unit)


def tolerance(recovery: Recovery) -> str:
    """ "10% of baseline", "10% of 62", "5 of 0"."""
    of = "baseline" if recovery.baseline is None else shown(recovery.baseline, recovery.unit)
    return f"{amount(recovery.tolerance, recovery.relative, recovery.unit)} of {of}"


def span(duration: timedelta) -> str:
    """Compact and exact: 30m, 1h30m, 2h, 24h, 3d, 45s."""
    seconds = int(duration.total_seconds())
    if seconds >= 2 * 86400 and seconds % 86400 == 0:
        return f"{seconds // 86400}d"
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [(hours, "h"), (minutes, "m"), (seconds, "s")]
    return "".join(f"{n}{unit}" for n, unit in parts if n) or "0s"


@dataclass(frozen=True)
class MetricsPlan:
    """A kind of crisis's metrics: each one's expected interval, how many intervals of
    silence are flagged, and the thresholds."""

    expected: Mapping[str, timedelta] = field(default_factory=dict)
    stale_after: int = DEFAULT_STALE_AFTER
    thresholds: tuple[Threshold, ...] = ()

    def rules(self, metric: str) -> tuple[Threshold, ...]:
        """Every rule on `metric`: its thresholds, then its silence when an interval is set."""
        found = tuple(rule for rule in self.thresholds if rule.metric == metric)
        silence = self.silence(metric)
        return found if silence is None else (*found, silence)

    def silence(self, metric: str) -> Threshold | None:
        expected = self.expected.get(metric)
        if expected is None:
            return None
        return Threshold(metric, Silence(expected, self.stale_after))

    def first_checks(self, opened_at: datetime) -> dict[str, datetime]:
        """Per expected metric, when a feed silent since the opening is first flagged."""
        return {
            metric: opened_at + every * self.stale_after for metric, every in self.expected.items()
        }
