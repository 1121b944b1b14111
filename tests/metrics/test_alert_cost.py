"""A look of the metric-alert pass costs what is new and its rules' windows, not the history
(bench/metrics_ingest.py: series grow without bound while points pour in), on SQLite and
PostgreSQL: after 1,000 earlier points one new point reads a handful of rows, and looks that
each read a slice find the same alerts, numbered alike, as the whole series gives."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import col, select

from app.clock import FakeClock
from app.harness import Harness
from app.harness.seed import SARAH
from app.incidents.models import Incident
from app.metrics.crossings import Point, crossings
from app.metrics.models import MetricPoint
from app.metrics.service import record_points
from app.metrics.values import PointIn
from app.metrics.watch import Looked, MetricWatch, Next, set_next
from tests.conftest import BACKENDS
from tests.databases import harness_on
from tests.metrics.alert_steps import (
    HOUR,
    MINUTE,
    alerts,
    fed,
    feed,
    later,
    open_viral,
    stored_alerts,
)
from tests.scenarios.transactions import counting
from tests.updates.steps import tick

HISTORY = 1_000
RECOVERED = "sentiment back within 10% of baseline for 24h"


@pytest.fixture(params=BACKENDS)
async def harness(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[Harness]:
    async with harness_on(request.param, tmp_path, clock=clock) as running:
        yield running


@contextmanager
def points_read() -> Iterator[list[int]]:
    """The ids of the metric points read (loaded as rows) while inside."""
    read: list[int] = []

    def loaded(point: MetricPoint, _context: Any) -> None:
        read.append(point.id or 0)

    event.listen(MetricPoint, "load", loaded)
    try:
        yield read
    finally:
        event.remove(MetricPoint, "load", loaded)


async def history(
    harness: Harness, incident: Incident, metric: str, values: list[float], every: timedelta
) -> list[int]:
    """Points measured `every` apart up to now, stored at once (as a backfill would be); their
    ids, oldest first."""
    now = harness.clock.now()
    points = [
        PointIn(metric, value, now - (len(values) - n) * every, source="tiktok")
        for n, value in enumerate(values)
    ]
    async with harness.db.begin() as session:
        stored = await record_points(
            session, incident_id=incident.id or 0, points=points, by=SARAH.id, now=now
        )
    return [point.id or 0 for point in stored.points]


async def test_a_look_after_1000_points_reads_the_new_one_and_the_one_before(
    harness: Harness,
) -> None:
    incident = await open_viral(harness)
    ids = await history(harness, incident, "views", [2_000_000.0] * HISTORY, MINUTE)
    await tick(harness)  # the first look takes the whole series in: all of it is new
    assert [(a.rule, a.crossing) for a in await stored_alerts(harness)] == [("views above 1M", 1)]
    await later(harness, MINUTE)
    await feed(harness, incident, "views", 2_500_000)  # still above: nothing crosses
    with points_read() as read, counting(harness.db) as seen:
        await tick(harness)
    [new] = [i for i in read if i not in ids]
    assert sorted(set(read)) == [ids[-1], new]  # a level needs the one point before
    statements = [s for t in seen.ended for s in t.statements if "FROM metric_point" in s]
    assert len(statements) <= 3  # the new points; where the slice starts; the slice
    assert len(await stored_alerts(harness)) == 1


async def test_a_look_reads_no_further_back_than_its_rules_windows(harness: Harness) -> None:
    # sentiment: drops 30% within 2h, back within 10% of baseline for 24h, silent for 3h
    incident = await open_viral(harness)
    every = 10 * MINUTE
    await history(harness, incident, "sentiment", [60.0] * HISTORY, every)  # ~7 days
    await tick(harness)
    await later(harness, MINUTE)
    await feed(harness, incident, "sentiment", 61, source="tiktok")
    with points_read() as read:
        await tick(harness)
    window = timedelta(hours=24) // every  # the longest rule's window
    assert len(set(read)) <= window + 3  # and the baseline, the one before, the new one
    await later(harness, 10 * MINUTE)
    await feed(harness, incident, "sentiment", 40, source="tiktok")  # -33%
    await tick(harness)
    assert [a.rule for a in await stored_alerts(harness)] == ["sentiment drops 30% within 2h"]


async def test_looks_at_slices_find_what_the_whole_series_gives(harness: Harness) -> None:
    """Sentiment fed point by point, each look judging only its slice: the alerts stored are
    those of the whole series, with the same numbers."""
    incident = await open_viral(harness)
    inside = [58, 61, 59, 60, 62, 57, 60, 61, 59, 63, 60, 58, 61, 60, 59, 60]
    for n, value in enumerate([60, *([62, 40, 38, *inside] * 2)]):
        await fed(harness, incident, "sentiment", value, source="listening")
        await later(harness, (50 + 35 * (n % 4)) * MINUTE)  # 50m to 2h35m apart
    await later(harness, 30 * 60 * MINUTE)
    stored = sorted(
        (a.crossed_at, a.rule, a.crossing) for a in await stored_alerts(harness) if a.source
    )
    assert stored == await whole_series_crossings(harness, incident)
    assert [rule for _, rule, _ in stored].count("sentiment drops 30% within 2h") >= 2
    assert [rule for _, rule, _ in stored].count(RECOVERED) >= 2
    posted = alerts(harness, incident, "sentiment dropped") + alerts(harness, incident, "recovered")
    assert len(posted) == len(stored)


async def test_numbering_goes_on_after_a_long_history(harness: Harness) -> None:
    incident = await open_viral(harness)
    values = [500_000.0, 2_000_000.0] * 3 + [2_000_000.0] * (HISTORY - 6)
    await history(harness, incident, "views", values, MINUTE)
    await tick(harness)
    assert [a.crossing for a in await stored_alerts(harness)] == [1, 2, 3]
    await later(harness, MINUTE)
    await fed(harness, incident, "views", 400_000)
    await later(harness, MINUTE)
    await fed(harness, incident, "views", 3_000_000)
    assert [a.crossing for a in await stored_alerts(harness)] == [1, 2, 3, 4]
    assert len(alerts(harness, incident, "views crossed 1M (now 3M")) == 1


async def whole_series_crossings(
    harness: Harness, incident: Incident
) -> list[tuple[datetime, str, int]]:
    async with harness.db() as session:
        query = select(MetricPoint).where(col(MetricPoint.metric) == "sentiment")
        points = [Point(p.at, p.value) for p in (await session.exec(query)).all()]
    playbook = harness.room.deps.playbooks.get(incident.crisis_kind)
    assert playbook is not None
    now, opened = harness.clock.now(), incident.opened_at
    return sorted(
        (crossing.at, rule.key, crossing.number)
        for rule in playbook.metrics.thresholds
        if rule.metric == "sentiment"
        for crossing in crossings(rule, points, now=now, opened_at=opened)
    )


async def test_a_late_look_never_sets_back_what_the_watch_keeps(harness: Harness) -> None:
    """Two processes may look at one watch at once (a lease ran out): whichever took in more
    points, or the same ones later, is what the watch keeps; a point that arrived meanwhile
    keeps it due."""
    incident = await open_viral(harness)
    await feed(harness, incident, "views", 10)
    read = await the_watch(harness)
    now = harness.clock.now()
    ahead = Looked(9, now, heard_at=now, heard_value=2.0)
    await decide(harness, Next(read, now + HOUR, ahead))
    await decide(harness, Next(read, None, Looked(5, now + MINUTE, now - MINUTE, 1.0)))
    kept = await the_watch(harness)
    assert kept.looked == ahead and kept.check_at is None  # (the last look's next check)
    await decide(harness, Next(read, None, Looked(9, now + HOUR, now, 2.0)))
    assert (await the_watch(harness)).looked == Looked(9, now + HOUR, now, 2.0)
    harness.clock.advance(MINUTE)  # type: ignore[attr-defined]
    await feed(harness, incident, "views", 20)  # a point arrives while `read` is looked at
    await decide(harness, Next(read, None, Looked(12, now + 2 * HOUR, now, 3.0)))
    after = await the_watch(harness)
    assert after.check_at == now + MINUTE  # due at once, as the point made it
    assert after.looked == Looked(12, now + 2 * HOUR, now, 3.0)


async def the_watch(harness: Harness) -> MetricWatch:
    async with harness.db() as session:
        query = select(MetricWatch).where(col(MetricWatch.metric) == "views")
        return (await session.exec(query.execution_options(populate_existing=True))).one()


async def decide(harness: Harness, *decided: Next) -> None:
    async with harness.db.begin() as session:
        await set_next(session, decided)
