"""The hook's points as items of the group-commit writer's batches
(app/flows/metrics_hook_store.py), on SQLite and PostgreSQL: requests sharing one batch store
each point once, a request naming an
incident that is not open stores nothing (its caller then takes the transactional path), and
what is stored is what the transactional path stores: one audit row and one chained record
entry per point, the watch due, the brief wanting a new version."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from app.audit.models import AuditEntry
from app.clock import FakeClock
from app.flows.metrics_hook_store import HookStored, HookWrite, store_requests
from app.harness import Harness
from app.metrics.values import PointIn
from app.metrics.watch import MetricWatch
from app.outbox.models import OutboxKind, OutboxRow
from app.record.verify import verify_incident
from tests.conftest import BACKENDS
from tests.metrics.hook_client import hooked, open_incident, points, recorded, resolve_in_database

START = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
BY = "hook:install"


@pytest.fixture(params=BACKENDS)
async def harness(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[Harness]:
    async with hooked(tmp_path, clock, backend=request.param) as running:
        yield running


def minutes(first: int, last: int, metric: str = "views") -> list[PointIn]:
    return [
        PointIn(metric, 1000.0 + k, START + timedelta(minutes=k), source="brandwatch")
        for k in range(first, last)
    ]


async def submit_together(harness: Harness, *writes: HookWrite) -> list[HookStored | None]:
    """The writes submitted in one go: the writer takes them into one batch, which commits
    whole (a batch that failed would be written again one write at a time: more commits)."""
    writer = harness.db.bulk_writer
    before = writer.batches
    done = await asyncio.gather(*(writer.submit(store_requests, w) for w in writes))
    assert writer.batches == before + 1
    return list(done)


async def test_requests_sharing_a_batch_store_each_point_once(harness: Harness) -> None:
    one, two = await open_incident(harness, "One"), await open_incident(harness, "Two")
    now = harness.clock.now()
    first = HookWrite({one.id or 0: minutes(0, 10)}, by=BY, now=now)
    overlapping = HookWrite(
        {one.id or 0: minutes(5, 15), two.id or 0: minutes(0, 5, "mentions")}, by=BY, now=now
    )
    again = HookWrite({one.id or 0: minutes(0, 3) * 2}, by=BY, now=now)
    done = await submit_together(harness, first, overlapping, again)
    assert done == [
        HookStored(stored=10, duplicates=0),
        HookStored(stored=10, duplicates=5),
        HookStored(stored=0, duplicates=6),
    ]
    stored = await points(harness, one.id)
    assert [p.value for p in stored] == [1000.0 + k for k in range(15)]  # ids in the given order
    assert {p.entered_by for p in stored} == {BY}
    entries = await recorded(harness, one.id or 0)
    assert [e["content"]["detail"]["point"] for e in entries] == [p.id for p in stored]
    assert len(await recorded(harness, two.id or 0)) == 5
    assert (await verify_incident(harness.db, one.id or 0)).intact
    assert (await verify_incident(harness.db, two.id or 0)).intact


async def test_a_request_naming_a_resolved_incident_stores_nothing(harness: Harness) -> None:
    live, over = await open_incident(harness, "Live"), await open_incident(harness, "Over")
    await resolve_in_database(harness, over.id or 0)
    now = harness.clock.now()
    mixed = HookWrite({live.id or 0: minutes(0, 4), over.id or 0: minutes(0, 4)}, by=BY, now=now)
    alone = HookWrite({live.id or 0: minutes(10, 12)}, by=BY, now=now)
    assert await submit_together(harness, mixed, alone) == [None, HookStored(2, 0)]
    assert [p.value for p in await points(harness)] == [1010.0, 1011.0]
    async with harness.db() as session:
        audits = (
            await session.exec(
                select(AuditEntry.incident_id).where(col(AuditEntry.action) == "metric.recorded")
            )
        ).all()
    assert list(audits) == [live.id, live.id]


async def test_stored_points_make_the_watch_due_and_the_brief_wanted(harness: Harness) -> None:
    incident = await open_incident(harness)
    async with harness.db() as session:
        brief = select(OutboxRow.want_version).where(
            col(OutboxRow.kind) == OutboxKind.BRIEF.value,
            col(OutboxRow.subject_id) == incident.id,
        )
        wanted_before = (await session.exec(brief)).one()
    harness.clock.advance(timedelta(minutes=3))  # type: ignore[attr-defined]
    now = harness.clock.now()
    write = HookWrite(
        {incident.id or 0: minutes(0, 2) + minutes(0, 1, "sentiment")}, by=BY, now=now
    )
    assert await submit_together(harness, write) == [HookStored(3, 0)]
    async with harness.db() as session:
        watches = (await session.exec(select(MetricWatch).order_by(col(MetricWatch.metric)))).all()
        wanted = (await session.exec(brief)).one()
    assert [(w.metric, w.check_at, w.arrivals) for w in watches] == [
        ("sentiment", now, 1),
        ("views", now, 1),
    ]
    assert wanted == wanted_before + 1
