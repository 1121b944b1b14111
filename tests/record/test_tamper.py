"""Tampering by SQL, then verify: what the schema refuses, and what verify names (both backends)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from app.audit.service import audit
from app.clock import FakeClock
from app.record.anchors import Anchor, AnchorKind
from app.record.append import store_file
from app.record.chain import GENESIS, entry_hash
from app.record.verify import verify_incident
from app.store.engine import SessionFactory
from tests.record.helpers import add, draft_of, message, new_incident, rows

REFUSED = r"append-only|only moves forward"
GUARDED = ("record_entry", "record_file", "record_head", "audit_entry")


async def run(db: SessionFactory, *statements: str, **params: Any) -> None:
    async with db.begin() as session:
        conn = await session.connection()
        for statement in statements:
            await conn.execute(text(statement), params)


async def chain_of(db: SessionFactory, clock: FakeClock, count: int) -> int:
    """An incident whose record holds `count` entries (the opening plus messages)."""
    incident = await new_incident(db, clock)
    for n in range(1, count):
        said = message(f"1763733600.{n:06d}", f"message {n}")
        await add(db, incident.id, draft_of(said), clock)
    return int(incident.id)


async def lift_guards(conn: AsyncConnection) -> None:
    """What an attacker with the database's owner account does first."""
    if conn.dialect.name == "postgresql":
        for table in GUARDED:
            await conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        return
    names = await conn.execute(
        text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
            "('record_entry', 'record_file', 'record_head', 'audit_entry')"
        )
    )
    for name in names.scalars().all():
        await conn.execute(text(f"DROP TRIGGER {name}"))


async def tamper(db: SessionFactory, *statements: str, **params: Any) -> None:
    async with db.begin() as session:
        conn = await session.connection()
        await lift_guards(conn)
        for statement in statements:
            await conn.execute(text(statement), params)


# -- what the schema refuses -----------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entry SET actor = 'U0MALLORY'",
        "DELETE FROM audit_entry",
        "UPDATE record_head SET seq = seq - 1",
        "UPDATE record_head SET hash = :genesis",
        "DELETE FROM record_head",
    ],
)
async def test_the_audit_trail_and_the_head_refuse_changes(
    db: SessionFactory, clock: FakeClock, statement: str
) -> None:
    incident_id = await chain_of(db, clock, 3)
    with pytest.raises(DBAPIError, match=REFUSED):
        await run(db, statement, genesis=GENESIS)
    report = await verify_incident(db, incident_id)
    assert report.intact and report.verdict.entries == 3


@pytest.mark.parametrize("table", ["audit_entry", "record_head"])
async def test_truncate_is_refused_on_postgresql(
    db: SessionFactory, clock: FakeClock, table: str
) -> None:
    incident_id = await chain_of(db, clock, 2)
    async with db() as session:
        if (await session.connection()).dialect.name != "postgresql":
            pytest.skip("SQLite has no TRUNCATE")
    with pytest.raises(DBAPIError, match=REFUSED):
        await run(db, f"TRUNCATE {table}")
    assert (await verify_incident(db, incident_id)).intact


async def test_the_head_still_moves_forward(db: SessionFactory, clock: FakeClock) -> None:
    incident_id = await chain_of(db, clock, 2)
    async with db.begin() as session:
        audit(session, at=clock.now(), actor="U0DAVID", action="x", incident_id=incident_id)
    report = await verify_incident(db, incident_id)
    assert report.intact and report.verdict.entries == 3


COLUMNS = (
    "incident_id, seq, kind, dedupe_key, channel_id, ts, thread_ts, user_id, user_name, "
    "event_id, client_msg_id, occurred_at, recorded_at, recovered, content, prev_hash, hash"
)
FORGED = COLUMNS.replace("user_name", "'Nobody'")
REPLACES = [
    # seq 2 written again over itself: by id, by seq, by dedupe key
    f"REPLACE INTO record_entry (id, {COLUMNS}) SELECT id, {FORGED} FROM record_entry "
    "WHERE seq = 2",
    f"INSERT OR REPLACE INTO record_entry ({COLUMNS}) SELECT "
    f"{FORGED.replace('dedupe_key', 'dedupe_key || 0')} FROM record_entry WHERE seq = 2",
    f"INSERT OR REPLACE INTO record_entry ({COLUMNS}) SELECT "
    f"{FORGED.replace('seq', '99 + seq')} FROM record_entry WHERE seq = 2",
    "REPLACE INTO audit_entry (id, incident_id, at, actor, action, detail) "
    "SELECT id, incident_id, at, 'U0MALLORY', action, detail FROM audit_entry",
    "REPLACE INTO record_file (sha256, size, content) VALUES (:sha, 4, X'65766966')",
    "REPLACE INTO record_head (incident_id, seq, hash) SELECT incident_id, 1, hash "
    "FROM record_entry WHERE seq = 1",
]


@pytest.mark.parametrize("statement", REPLACES)
async def test_sqlite_refuses_replace_into_the_record(
    db: SessionFactory, clock: FakeClock, statement: str
) -> None:
    incident_id = await chain_of(db, clock, 3)
    sha = "ab" * 32
    async with db.begin() as session:
        await (await session.connection()).run_sync(store_file, sha, b"good")
        if (await session.connection()).dialect.name != "sqlite":
            pytest.skip("PostgreSQL has no REPLACE; its upserts fire the UPDATE triggers")
    before = await rows(db, incident_id)
    with pytest.raises(DBAPIError, match=REFUSED):
        await run(db, statement, sha=sha)
    assert await rows(db, incident_id) == before  # the original bytes, every one
    async with db() as session:
        conn = await session.connection()
        kept = await conn.execute(
            text("SELECT content FROM record_file WHERE sha256 = :s"), {"s": sha}
        )
        actors = await conn.execute(text("SELECT DISTINCT actor FROM audit_entry"))
        assert kept.scalar_one() == b"good" and "U0MALLORY" not in actors.scalars().all()
    report = await verify_incident(db, incident_id)
    assert report.intact and report.verdict.entries == 3


async def test_the_same_file_is_still_kept_once(db: SessionFactory, clock: FakeClock) -> None:
    sha = "cd" * 32
    for _ in range(2):
        async with db.begin() as session:
            await (await session.connection()).run_sync(store_file, sha, b"same")
    async with db() as session:
        found = await (await session.connection()).execute(
            text("SELECT count(*) FROM record_file WHERE sha256 = :s"), {"s": sha}
        )
    assert found.scalar_one() == 1


# -- what verify names once the guards are lifted ---------------------------------------------


async def test_a_cut_tail_with_the_head_moved_back_needs_an_anchor(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident_id = await chain_of(db, clock, 6)
    stored = await rows(db, incident_id)
    fourth, sixth = stored[3], stored[5]
    anchor = Anchor(AnchorKind.EXPORT, incident_id, 6, sixth["hash"], where="#crisis-c0war")
    await tamper(
        db,
        "DELETE FROM record_entry WHERE seq > 4",
        "UPDATE record_head SET seq = 4, hash = :h",
        h=fourth["hash"],
    )
    alone = await verify_incident(db, incident_id)
    assert alone.intact and alone.verdict.entries == 4  # the chain alone cannot tell
    anchored = await verify_incident(db, incident_id, anchors=[anchor])
    assert not anchored.intact
    assert "export posted in #crisis-c0war says INC-1 entry 6 has hash" in anchored.describe()
    assert "but the database has no entry 6" in anchored.describe()


async def test_a_consistent_rewrite_is_caught_by_an_anchor(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident_id = await chain_of(db, clock, 5)
    original = await rows(db, incident_id)
    anchor = Anchor(AnchorKind.CHECKPOINT, incident_id, 4, original[3]["hash"], where="#legal")
    statements, previous = [], original[1]["hash"]
    for row in original[2:]:
        forged = {**row, "user_name": "Nobody", "prev_hash": previous}
        forged["hash"] = previous = entry_hash(forged)
        statements.append(
            f"UPDATE record_entry SET user_name = 'Nobody', prev_hash = '{forged['prev_hash']}', "
            f"hash = '{forged['hash']}' WHERE incident_id = {incident_id} AND seq = {row['seq']}"
        )
    await tamper(db, *statements, f"UPDATE record_head SET hash = '{previous}'")
    assert (await verify_incident(db, incident_id)).intact  # rewritten consistently
    report = await verify_incident(db, incident_id, anchors=[anchor])
    assert not report.intact
    assert "checkpoint posted in #legal says INC-1 entry 4" in report.describe()
    assert "but the database's entry 4 has hash" in report.describe()


async def test_a_head_moved_back_is_named(db: SessionFactory, clock: FakeClock) -> None:
    incident_id = await chain_of(db, clock, 5)
    second = (await rows(db, incident_id))[1]
    await tamper(db, "UPDATE record_head SET seq = 2, hash = :h", h=second["hash"])
    report = await verify_incident(db, incident_id)
    assert not report.intact
    assert "the head row says seq 2 but the chain goes to seq 5: the head was moved back" in (
        report.describe()
    )


async def test_a_deleted_head_is_named(db: SessionFactory, clock: FakeClock) -> None:
    incident_id = await chain_of(db, clock, 3)
    await tamper(db, "DELETE FROM record_head")
    report = await verify_incident(db, incident_id)
    assert not report.intact and "the head row is missing" in report.describe()


async def test_a_seq_gap_is_named(db: SessionFactory, clock: FakeClock) -> None:
    incident_id = await chain_of(db, clock, 6)
    await tamper(db, "DELETE FROM record_entry WHERE seq IN (3, 4)")
    report = await verify_incident(db, incident_id)
    assert not report.intact
    assert "expected seq 3 here but found seq 5: seq 3 to 4 are missing" in report.describe()


async def test_anchors_that_agree_are_counted(db: SessionFactory, clock: FakeClock) -> None:
    incident_id = await chain_of(db, clock, 3)
    stored = await rows(db, incident_id)
    anchors = [Anchor(AnchorKind.CHECKPOINT, incident_id, r["seq"], r["hash"]) for r in stored]
    other = Anchor(AnchorKind.CHECKPOINT, incident_id + 1, 1, "0" * 64)
    report = await verify_incident(db, incident_id, anchors=[*anchors, other])
    assert report.intact and report.anchors == 3
    assert "3 anchors from Slack match" in report.describe()
