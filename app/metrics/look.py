"""One look of the metric-alert pass at one watch (app/flows/metric_alerts.py): what it reads,
and the crossings and next check it works out from that, the same on every replica.

It reads what is new since the looks last took the series in (app/metrics/watch.py: `Looked`),
and per source the slice its rules need before that (app/metrics/lookback.py), never the whole
history: `since` is the earlier of the last look and the earliest new point's measured time.
The first look of a watch reads the whole series, which is then all new. A crossing is new if
it is later than the last one stored of its rule and series, and is numbered on from it
(app/metrics/crossings.py), so the alert's unique key still makes it fire once. What is stored
is read only when the slice has crossings at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from app.metrics import alerting, slices
from app.metrics.crossings import Crossing, Last, Point, crossings, next_check
from app.metrics.lookback import reach
from app.metrics.models import MetricPoint
from app.metrics.thresholds import Silence, Threshold
from app.metrics.watch import Looked, MetricWatch


@dataclass(frozen=True)
class New:
    """A crossing with no alert yet."""

    rule: Threshold
    source: str
    crossing: Crossing
    unit: str


@dataclass(frozen=True)
class Slice:
    """One source's points a look judges (oldest first), and its first value if the slice
    starts later (a recovery's baseline)."""

    points: list[MetricPoint]
    first: float | None = None


@dataclass(frozen=True)
class Seen:
    """One watch as one look read it."""

    rules: tuple[Threshold, ...]
    now: datetime
    opened_at: datetime
    taken: Looked | None  # what the looks had taken in before (None: never looked)
    since: datetime | None  # crossings from then on are judged (None: every one)
    sources: dict[str, Slice]
    new: list[MetricPoint]  # stored since the looks last took the series in
    last: dict[tuple[str, str], Last]  # per (rule, source), the last crossing stored

    def crossings(self) -> list[New]:
        found: list[New] = []
        for rule in self.rules:
            if isinstance(rule.condition, Silence):
                found += [New(rule, "", c, "") for c in self._judged(rule, "", self._heard())]
                continue
            for source, part in self.sources.items():
                points = [Point(p.at, p.value) for p in part.points]
                unit = part.points[-1].unit if part.points else ""
                found += [New(rule, source, c, unit) for c in self._judged(rule, source, points)]
        return found

    def next_check(self) -> datetime | None:
        """When a rule can next be crossed without a new point (None: only a new point)."""
        checks = [
            next_check(rule, self._heard(), now=self.now, opened_at=self._silent_from())
            for rule in self.rules
            if isinstance(rule.condition, Silence)
        ]
        for part in self.sources.values():
            points = [Point(p.at, p.value) for p in part.points]
            checks += [
                next_check(rule, points, now=self.now, opened_at=self.opened_at, first=part.first)
                for rule in self.rules
                if not isinstance(rule.condition, Silence)
            ]
        return min((at for at in checks if at is not None), default=None)

    def looked(self) -> Looked:
        """What this look took in: the points stored up to the newest it read, judged now."""
        heard = self._last_heard()
        seen = max((p.id or 0 for p in self.new), default=None)
        return Looked(
            seen if seen is not None else (self.taken.seen_id if self.taken else None),
            self.now,
            heard.at if heard else None,
            heard.value if heard else None,
        )

    def _judged(self, rule: Threshold, source: str, points: list[Point]) -> list[Crossing]:
        silence = isinstance(rule.condition, Silence)
        return crossings(
            rule,
            points,
            now=self.now,
            opened_at=self._silent_from() if silence else self.opened_at,
            since=(self.taken.at if self.taken else None) if silence else self.since,
            last=self.last.get((rule.key, source)),
            first=None if silence else self.sources[source].first,
        )

    def _heard(self) -> list[Point]:
        """A silence's points: when each was received, from the last one the looks heard."""
        before = self._taken_heard()
        after = [p for p in self.new if before is None or p.received_at >= before.at]
        received = sorted(after, key=lambda p: (p.received_at, p.at, p.id or 0))
        return [*([before] if before else []), *(Point(p.received_at, p.value) for p in received)]

    def _silent_from(self) -> datetime:
        """A silence counts from the opening, or in a slice from the last point received."""
        before = self._taken_heard()
        return self.opened_at if before is None else before.at

    def _taken_heard(self) -> Point | None:
        taken = self.taken
        if taken is None or taken.heard_at is None or taken.heard_value is None:
            return None
        return Point(taken.heard_at, taken.heard_value)

    def _last_heard(self) -> Point | None:
        heard = self._heard()
        return heard[-1] if heard else None


async def see(
    session: AsyncSession,
    watched: MetricWatch,
    rules: tuple[Threshold, ...],
    *,
    now: datetime,
    opened_at: datetime,
) -> Seen:
    """Read what one look at `watched` needs for `rules` (none: nothing is read)."""
    incident_id, metric, taken = watched.incident_id, watched.metric, watched.looked
    if not rules:
        return Seen(rules, now, opened_at, taken, None, {}, [], {})
    seen_id = taken.seen_id if taken else None
    new = await slices.stored_after(session, incident_id, metric, seen_id)
    since = None if taken is None else min([taken.at, *(p.at for p in new)])
    if since is None:
        sources = _whole(new)
    else:
        sources = await _sliced(session, watched, rules, since=since, now=now)
    seen = Seen(rules, now, opened_at, taken, since, sources, new, {})
    if not seen.crossings():  # most looks: then what is stored does not matter
        return seen
    return replace(seen, last=await alerting.last_crossings(session, incident_id, metric))


async def _sliced(
    session: AsyncSession,
    watched: MetricWatch,
    rules: tuple[Threshold, ...],
    *,
    since: datetime,
    now: datetime,
) -> dict[str, Slice]:
    """Per source that can cross anything from `since` on, the slice its rules need."""
    needs = reach(rules)
    if not needs.points:
        return {}
    ids = (session, watched.incident_id, watched.metric)
    ends = await slices.ends(*ids, reach=needs, since=since, now=now)
    starts = {
        end.source: needs.start(since, before=end.before, before_recovery=end.before_recovery)
        for end in ends
        if end.latest is not None and end.latest >= needs.reaches_from(since)
    }
    points = await slices.source_points(*ids, starts, now=now)
    firsts = {end.source: end.first for end in ends}
    return {source: Slice(part, firsts[source]) for source, part in points.items()}


def _whole(points: Sequence[MetricPoint]) -> dict[str, Slice]:
    """The whole series, per source (a watch's first look)."""
    found: dict[str, list[MetricPoint]] = defaultdict(list)
    for point in sorted(points, key=lambda p: (p.at, p.id or 0)):
        found[point.source].append(point)
    return {source: Slice(found[source]) for source in sorted(found)}
