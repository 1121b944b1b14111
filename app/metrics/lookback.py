"""How far back a look at one series reads (app/metrics/slices.py reads, app/flows/
metric_alerts.py looks): far enough before `since` that `crossings(…, since=…)` judges every
point from then on as the whole series would, and no further. So a look costs the points that
are new and the rules' windows, not the incident's history.

Per source, given its last point before `since` (`before`) and its last point before `since`
less the longest recovery duration (`before_recovery`):
- a level is judged at each point against the one before: `before` is enough;
- a change is judged at each point against the points of its window, and whether it already
  held just before `since` decides if the first point after is a new crossing: the window of
  `before` is read too;
- a recovery's state (has the value left the band, and inside since when) is settled by the
  last `for` before `since`: a stay inside that began earlier has completed (or was broken)
  before `since`, so the slice starts at the last point before that; the baseline, the series'
  first value, is read apart (one indexed row);
- a silence needs only the last point received (app/metrics/watch.py keeps when, and its value).
A source with no point measured from `reaches_from` on can cross nothing from `since` on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.metrics.thresholds import Change, Recovery, Silence, Threshold


@dataclass(frozen=True)
class Reach:
    """What a metric's rules need before `since`."""

    points: bool  # a rule judged on measured points (not only a silence)
    change: timedelta | None  # the longest `within` of its change rules
    recovery: timedelta | None  # the longest `for` of its recovery rules
    baseline: bool  # a recovery counts from the series' first value

    def reaches_from(self, since: datetime) -> datetime:
        """The earliest a source's last point may be measured for it to cross anything from
        `since` on."""
        return since if self.recovery is None else since - self.recovery

    def start(
        self, since: datetime, *, before: datetime | None, before_recovery: datetime | None
    ) -> datetime:
        """Where one source's slice starts (its points measured from then on are read)."""
        start = since
        if before is not None:
            start = min(start, before - (self.change or timedelta(0)))
        if self.recovery is not None:
            start = min(start, before_recovery or since - self.recovery)
        return start


def reach(rules: Iterable[Threshold]) -> Reach:
    conditions = [rule.condition for rule in rules]
    changes = [c.within for c in conditions if isinstance(c, Change)]
    recoveries = [c for c in conditions if isinstance(c, Recovery)]
    return Reach(
        points=any(not isinstance(c, Silence) for c in conditions),
        change=max(changes, default=None),
        recovery=max((c.lasting for c in recoveries), default=None),
        baseline=any(c.baseline is None for c in recoveries),
    )
