"""Retention: resolved incidents past CRISIS_RETENTION_DAYS are purged whole, once, with a
tombstone; open, held or recent ones are not; other incidents' records stay intact."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timedelta

from app.clock import FakeClock
from app.flows.retention import purge_expired
from app.record import retention
from app.record.models import RecordHead
from app.record.verify import verify_incident
from app.store.engine import SessionFactory
from tests.record.retention_helpers import (
    DAYS,
    ELAPSED,
    FILE_SHA,
    file_count,
    place_hold,
    resolve,
    retaining,
    rows_of,
    war_room,
)


async def test_purges_a_resolved_incident_after_retention_and_not_before(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident = await war_room(db, clock, "C0OLD")
    await resolve(db, clock, incident.id or 0)
    deps = retaining(db, clock)
    clock.advance(ELAPSED - timedelta(minutes=1))
    assert await purge_expired(deps) == 0
    assert (await rows_of(db, incident.id or 0))["record_entry"] > 0
    clock.advance(timedelta(minutes=1))
    assert await purge_expired(deps) == 1
    left = await rows_of(db, incident.id or 0)
    assert set(left.values()) == {0}, left
    assert await file_count(db) == 0
    assert await purge_expired(deps) == 0


async def test_the_tombstone_keeps_what_proves_the_record_existed(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident = await war_room(db, clock, "C0OLD")
    incident_id = incident.id or 0
    await resolve(db, clock, incident_id)
    resolved_at = clock.now()
    async with db() as session:
        head = await session.get(RecordHead, incident_id)
        assert head is not None
        final_seq, final_hash = head.seq, head.hash
    clock.advance(ELAPSED + timedelta(hours=2))
    await purge_expired(retaining(db, clock))
    async with db() as session:
        [tombstone] = await retention.tombstones(session)
    assert tombstone.incident_id == incident_id and tombstone.channel_id == "C0OLD"
    assert tombstone.title_sha256 == hashlib.sha256(incident.title.encode()).hexdigest()
    assert (tombstone.entry_count, tombstone.final_hash) == (final_seq, final_hash)
    assert tombstone.files_purged == 1
    assert tombstone.resolved_at == resolved_at and tombstone.purged_at == clock.now()
    assert tombstone.retention_days == DAYS and f"{DAYS} days" in tombstone.reason


async def test_open_held_and_unconfigured_incidents_are_kept(
    db: SessionFactory, clock: FakeClock
) -> None:
    still_open = await war_room(db, clock, "C0OPEN")
    held = await war_room(db, clock, "C0HELD")
    await resolve(db, clock, held.id or 0)
    await place_hold(db, clock, held.id or 0)
    clock.advance(ELAPSED * 10)
    assert await purge_expired(retaining(db, clock, days=None)) == 0
    assert await purge_expired(retaining(db, clock)) == 0
    for incident in (still_open, held):
        assert (await rows_of(db, incident.id or 0))["incident"] == 1


async def test_a_file_another_incident_names_stays_and_other_records_verify(
    db: SessionFactory, clock: FakeClock
) -> None:
    old = await war_room(db, clock, "C0OLD")
    other = await war_room(db, clock, "C0OTHER")  # shares the same file
    await resolve(db, clock, old.id or 0)
    clock.advance(ELAPSED)
    assert await purge_expired(retaining(db, clock)) == 1
    assert await file_count(db) == 1
    async with db() as session:
        [tombstone] = await retention.tombstones(session)
    assert tombstone.files_purged == 0
    report = await verify_incident(db, other.id or 0)
    assert report.intact, report.problems
    assert FILE_SHA  # the shared file is the one the other incident names


async def test_two_processes_purge_each_incident_once(db: SessionFactory, clock: FakeClock) -> None:
    rooms = [await war_room(db, clock, f"C0OLD{i}", file=bytes([i])) for i in range(3)]
    for room in rooms:
        await resolve(db, clock, room.id or 0)
    clock.advance(ELAPSED)
    first, second = retaining(db, clock), retaining(db, clock)
    counts = await asyncio.gather(*(purge_expired(d) for d in (first, second, first, second)))
    assert sum(counts) == 3
    async with db() as session:
        logged = await retention.tombstones(session)
    assert sorted(t.incident_id for t in logged) == sorted(r.id or 0 for r in rooms)
