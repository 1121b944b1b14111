"""Appending, deduping, concurrency, append-only triggers and tamper evidence (both backends)."""

from __future__ import annotations

import asyncio
import itertools

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.audit.service import audit
from app.clock import FakeClock
from app.record.verify import verify_incident
from app.roles import service as roles
from app.roles.models import Role
from app.store.engine import SessionFactory
from tests.record.helpers import add, content, draft_of, message, new_incident, rows


async def test_opening_an_incident_starts_its_record(db: SessionFactory, clock: FakeClock) -> None:
    incident = await new_incident(db, clock)
    [first] = await rows(db, incident.id)
    assert (first["seq"], first["kind"], first["user_id"]) == (1, "action", "U0MARIA")
    assert content(first)["action"] == "incident.open"
    assert first["prev_hash"] == "0" * 64


async def test_a_duplicate_is_stored_once(db: SessionFactory, clock: FakeClock) -> None:
    incident = await new_incident(db, clock)
    event = message("1763733600.000100", "We are aware of the video")
    assert await add(db, incident.id, draft_of(event), clock) is not None
    assert await add(db, incident.id, draft_of(event), clock) is None
    assert [row["seq"] for row in await rows(db, incident.id)] == [1, 2]


async def test_concurrent_appends_never_fork_the_chain(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident = await new_incident(db, clock)
    events = [message(f"1763733600.{n:06d}", f"message {n}") for n in range(1, 41)]
    await asyncio.gather(*(add(db, incident.id, draft_of(e), clock) for e in events))
    stored = await rows(db, incident.id)
    assert [row["seq"] for row in stored] == list(range(1, 42))
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(stored))
    assert (await verify_incident(db, incident.id)).intact


async def test_an_audit_lands_in_the_record_in_the_same_transaction(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident = await new_incident(db, clock)
    with pytest.raises(RuntimeError):
        async with db.begin() as session:
            audit(session, at=clock.now(), actor="U0DAVID", action="x", incident_id=incident.id)
            await session.flush()
            raise RuntimeError("the caller's work failed")
    assert len(await rows(db, incident.id)) == 1
    async with db.begin() as session:
        audit(session, at=clock.now(), actor="U0DAVID", action="x", incident_id=incident.id)
    assert [content(r)["action"] for r in await rows(db, incident.id)] == ["incident.open", "x"]


async def test_a_role_change_lands_in_every_open_incident(
    db: SessionFactory, clock: FakeClock
) -> None:
    first = await new_incident(db, clock, channel="C0ONE")
    second = await new_incident(db, clock, channel="C0TWO")
    async with db.begin() as session:
        await roles.add(session, role=Role.LEGAL, users=["U0DAVID"], by="U0ALEX", at=clock.now())
    for incident in (first, second):
        last = (await rows(db, incident.id))[-1]
        assert content(last)["action"] == "role.add"
        assert content(last)["detail"] == {"role": "legal", "users": ["U0DAVID"]}


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE record_entry SET content = '{}'",
        "DELETE FROM record_entry",
        "UPDATE record_file SET size = 0",
        "DELETE FROM record_file",
    ],
)
async def test_the_database_refuses_to_change_the_record(
    db: SessionFactory, clock: FakeClock, statement: str
) -> None:
    incident = await new_incident(db, clock)
    async with db.begin() as session:
        conn = await session.connection()
        await conn.execute(
            text("INSERT INTO record_file (sha256, size, content) VALUES ('ab', 1, :c)"),
            {"c": b"x"},
        )
    with pytest.raises(DBAPIError, match="append-only"):
        async with db.begin() as session:
            await (await session.connection()).execute(text(statement))
    assert len(await rows(db, incident.id)) == 1


async def tamper(db: SessionFactory, statement: str) -> None:
    """What someone with direct access to the database could do: lift the guard, change a row."""
    async with db.begin() as session:
        conn = await session.connection()
        if conn.dialect.name == "postgresql":
            await conn.execute(text("ALTER TABLE record_entry DISABLE TRIGGER USER"))
        else:
            await conn.execute(text("DROP TRIGGER record_entry_no_update"))
            await conn.execute(text("DROP TRIGGER record_entry_no_delete"))
        await conn.execute(text(statement))


async def test_verify_names_the_altered_entry(db: SessionFactory, clock: FakeClock) -> None:
    incident = await new_incident(db, clock)
    for n, said in enumerate(["We are aware", "Legal reviewing", "Statement at 3pm"], start=1):
        await add(db, incident.id, draft_of(message(f"1763733600.{n:06d}", said)), clock)
    assert (await verify_incident(db, incident.id)).intact
    await tamper(
        db, "UPDATE record_entry SET content = replace(content, 'Legal', 'Nobody') WHERE seq = 3"
    )
    report = await verify_incident(db, incident.id)
    assert not report.intact
    assert report.verdict.first_break is not None and report.verdict.first_break.seq == 3
    assert "seq 3" in report.describe() and "altered" in report.describe()


async def test_verify_notices_entries_cut_from_the_end(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident = await new_incident(db, clock)
    await add(db, incident.id, draft_of(message("1763733600.000001", "regrettable")), clock)
    await tamper(db, "DELETE FROM record_entry WHERE seq = 2")
    report = await verify_incident(db, incident.id)
    assert not report.intact and "missing after seq 1" in report.describe()
