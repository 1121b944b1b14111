"""The append-only guards let exactly a whole purge through (migration 0009_retention), on
SQLite and PostgreSQL, by raw SQL: nothing else deletes any of the record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from app.clock import FakeClock
from app.incidents.models import Incident
from app.record import retention
from app.record.retention_models import PurgeLog
from app.store.engine import SessionFactory
from tests.record.retention_helpers import ELAPSED, place_hold, resolve, rows_of, war_room

APPEND_ONLY = "append-only|only moves forward|only by a retention purge"


async def old_resolved(db: SessionFactory, clock: FakeClock) -> Incident:
    incident = await war_room(db, clock, "C0OLD")
    await resolve(db, clock, incident.id or 0)
    clock.advance(ELAPSED + timedelta(days=1))
    return incident


async def refused(db: SessionFactory, *statements: str, match: str = APPEND_ONLY) -> None:
    """Run the statements in one transaction and expect the database to refuse it."""
    with pytest.raises(DBAPIError, match=match):
        async with db.begin() as session:
            conn = await session.connection()
            for statement in statements:
                await conn.execute(text(statement))


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM record_entry WHERE incident_id = {id} AND seq = 1",
        "DELETE FROM record_entry WHERE incident_id = {id}",
        "DELETE FROM audit_entry WHERE incident_id = {id}",
        "DELETE FROM record_head WHERE incident_id = {id}",
        "DELETE FROM record_file",
        "DELETE FROM incident WHERE id = {id}",
    ],
)
async def test_no_delete_without_a_grant(
    db: SessionFactory, clock: FakeClock, statement: str
) -> None:
    incident = await old_resolved(db, clock)
    before = await rows_of(db, incident.id or 0)
    await refused(db, statement.format(id=incident.id))
    assert await rows_of(db, incident.id or 0) == before


async def write_tombstone(conn: AsyncConnection, incident: Incident, clock: FakeClock) -> int:
    row = PurgeLog(
        incident_id=incident.id or 0,
        channel_id=incident.channel_id,
        title_sha256="0" * 64,
        entry_count=0,
        final_hash="0" * 64,
        files_purged=0,
        opened_at=incident.opened_at,
        resolved_at=incident.opened_at,
        purged_at=clock.now(),
        retention_days=30,
        reason="test",
    )
    table = PurgeLog.__table__  # type: ignore[attr-defined]
    values = {c.name: getattr(row, c.name) for c in table.columns if c.name != "id"}
    result = await conn.execute(table.insert().values(**values).returning(table.c.id))
    return int(result.scalar_one())


async def in_purge(db: SessionFactory, clock: FakeClock, incident: Incident, *sql: str) -> None:
    """A tombstone and a grant for `incident`, then `sql`, all in one transaction."""
    async with db.begin() as session:
        conn = await session.connection()
        tombstone = await write_tombstone(conn, incident, clock)
        await conn.execute(
            text(
                f"INSERT INTO purge_grant (incident_id, tombstone_id, seal) "
                f"VALUES ({incident.id}, {tombstone}, 0)"
            )
        )
        for statement in sql:
            await conn.execute(text(statement.format(id=incident.id)))


async def test_a_grant_cannot_outlive_its_transaction(db: SessionFactory, clock: FakeClock) -> None:
    incident = await old_resolved(db, clock)
    with pytest.raises(DBAPIError, match=r"(?i)foreign key"):
        await in_purge(db, clock, incident)  # committed with the grant still there
    with pytest.raises(DBAPIError, match="the whole incident goes"):
        await in_purge(db, clock, incident, "DELETE FROM purge_grant WHERE incident_id = {id}")


async def test_a_partial_purge_cannot_commit(db: SessionFactory, clock: FakeClock) -> None:
    incident = await old_resolved(db, clock)
    before = await rows_of(db, incident.id or 0)
    with pytest.raises(DBAPIError, match="the whole incident goes"):
        await in_purge(
            db,
            clock,
            incident,
            "DELETE FROM record_entry WHERE incident_id = {id} AND seq = 3",
            "DELETE FROM purge_grant WHERE incident_id = {id}",
        )
    assert await rows_of(db, incident.id or 0) == before


async def test_no_grant_for_an_open_a_recent_or_a_held_incident(
    db: SessionFactory, clock: FakeClock
) -> None:
    still_open = await war_room(db, clock, "C0OPEN")
    clock.advance(ELAPSED * 2)
    with pytest.raises(DBAPIError, match="within retention"):
        await in_purge(db, clock, still_open)
    await resolve(db, clock, still_open.id or 0)
    clock.advance(ELAPSED - timedelta(hours=1))
    with pytest.raises(DBAPIError, match="within retention"):
        await in_purge(db, clock, still_open)
    clock.advance(timedelta(hours=2))
    await place_hold(db, clock, still_open.id or 0)
    with pytest.raises(DBAPIError, match="within retention"):
        await in_purge(db, clock, still_open)


async def test_a_hold_placed_inside_a_purge_stops_its_deletes(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident = await old_resolved(db, clock)
    with pytest.raises(DBAPIError, match=APPEND_ONLY):
        await in_purge(
            db,
            clock,
            incident,
            "INSERT INTO legal_hold (incident_id, reason, held_by, held_at) "
            "SELECT id, 'late', 'U0DAVID', opened_at FROM incident WHERE id = {id}",
            "DELETE FROM record_entry WHERE incident_id = {id}",
        )


async def test_the_purge_log_is_append_only(db: SessionFactory, clock: FakeClock) -> None:
    incident = await old_resolved(db, clock)
    async with db.begin() as session:
        assert await retention.purge(
            session, incident_id=incident.id or 0, now=clock.now(), days=30
        )
    await refused(db, "UPDATE purge_log SET reason = 'nothing happened'")
    await refused(db, "DELETE FROM purge_log")
