"""Group commit: many appends share a transaction, keep their order, store duplicates once,
and promise nothing that did not commit (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from app.clock import FakeClock
from app.record.batch import Pending, append_all
from app.record.verify import verify_incident
from app.store.engine import WRITER_CACHE_KIB, SessionFactory, make_writer_thread
from app.store.group_commit import GroupCommit
from app.store.writer_thread import writer_url
from tests.record.helpers import content, draft_of, message, new_incident, rows


def writer_of(db: SessionFactory) -> GroupCommit:
    """A writer made as the app makes its own: on a SQLite file, batches run on its own
    connection (store/writer_thread.py)."""
    return GroupCommit(db.engine, turn=db.turns, handoff=make_writer_thread(db.engine))


def pending(incident_id: int, ts: str, text_: str, clock: FakeClock) -> Pending:
    return Pending(draft_of(message(ts, text_)), incident_id, recorded_at=clock.now())


async def test_a_burst_shares_a_few_commits_and_keeps_the_order_it_was_sent_in(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident = await new_incident(db, clock)
    writer = writer_of(db)
    items = [
        pending(incident.id or 0, f"1700000000.{n:06d}", f"line {n}", clock) for n in range(200)
    ]
    results = await asyncio.gather(*(writer.submit(append_all, item) for item in items))
    stored = await said(db, incident.id or 0)
    assert [content(row)["message"]["text"] for row in stored] == [f"line {n}" for n in range(200)]
    assert [row["seq"] for row in stored] == list(range(2, 202))  # seq 1: the incident opened
    assert all(result is not None for result in results)
    assert writer.batches < 20  # not one commit per entry
    assert (await verify_incident(db, incident.id or 0)).intact
    await writer.close()


async def test_duplicates_in_a_batch_and_across_batches_are_stored_once(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident = await new_incident(db, clock)
    writer = writer_of(db)
    once = pending(incident.id or 0, "1700000000.000001", "said once", clock)
    first = await asyncio.gather(writer.submit(append_all, once), writer.submit(append_all, once))
    again = await writer.submit(append_all, once)  # Slack's retry, a later batch
    assert sum(result is not None for result in first) == 1
    assert again is None
    assert len(await said(db, incident.id or 0)) == 1
    await writer.close()


async def test_two_incidents_in_one_batch_each_keep_their_own_chain(
    db: SessionFactory, clock: FakeClock
) -> None:
    one = await new_incident(db, clock, channel="C0ONE")
    two = await new_incident(db, clock, channel="C0TWO")
    writer = writer_of(db)
    items = [
        pending((one if n % 2 else two).id or 0, f"1700000000.{n:06d}", f"n{n}", clock)
        for n in range(40)
    ]
    await asyncio.gather(*(writer.submit(append_all, item) for item in items))
    for incident in (one, two):
        assert [row["seq"] for row in await said(db, incident.id or 0)] == list(range(2, 22))
        assert (await verify_incident(db, incident.id or 0)).intact
    await writer.close()


async def test_a_refused_write_reaches_its_caller_and_nothing_is_half_stored(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident = await new_incident(db, clock)
    writer = writer_of(db)
    await refuse_record_writes(db, True)
    items = [pending(incident.id or 0, f"1700000000.{n:06d}", f"n{n}", clock) for n in range(5)]
    outcomes = await asyncio.gather(
        *(writer.submit(append_all, i) for i in items), return_exceptions=True
    )
    assert all(isinstance(outcome, SQLAlchemyError) for outcome in outcomes)
    assert await said(db, incident.id or 0) == []
    await refuse_record_writes(db, False)
    assert all(await asyncio.gather(*(writer.submit(append_all, item) for item in items)))
    assert len(await said(db, incident.id or 0)) == 5
    await writer.close()


async def test_one_bad_item_fails_alone(db: SessionFactory, clock: FakeClock) -> None:
    incident = await new_incident(db, clock)
    writer = writer_of(db)
    good = [pending(incident.id or 0, f"1700000000.{n:06d}", f"n{n}", clock) for n in range(3)]
    bad = pending(987654, "1700000001.000000", "no such incident", clock)  # foreign key refuses
    outcomes = await asyncio.gather(
        writer.submit(append_all, good[0]),
        writer.submit(append_all, bad),
        *(writer.submit(append_all, i) for i in good[1:]),
        return_exceptions=True,
    )
    assert isinstance(outcomes[1], SQLAlchemyError)
    assert [outcome is not None for outcome in (outcomes[0], *outcomes[2:])] == [True] * 3
    assert len(await said(db, incident.id or 0)) == 3
    await writer.close()


async def said(db: SessionFactory, incident_id: int) -> list[dict[str, Any]]:
    return [row for row in await rows(db, incident_id) if row["kind"] == "message"]


async def refuse_record_writes(db: SessionFactory, refuse: bool) -> None:
    """A database that refuses to write the record (what an outage looks like to a writer)."""
    async with db.begin() as session:
        conn = await session.connection()
        for statement in _refusal(conn.dialect.name, refuse):
            await conn.execute(text(statement))


def _refusal(dialect: str, refuse: bool) -> list[str]:
    if dialect == "sqlite":
        if not refuse:
            return ["DROP TRIGGER outage"]
        return [
            "CREATE TRIGGER outage BEFORE INSERT ON record_entry "
            "BEGIN SELECT RAISE(ABORT, 'the database refuses writes'); END"
        ]
    if not refuse:
        return ["DROP TRIGGER outage ON record_entry", "DROP FUNCTION outage()"]
    return [
        "CREATE FUNCTION outage() RETURNS trigger AS $$ BEGIN "
        "RAISE EXCEPTION 'the database refuses writes'; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER outage BEFORE INSERT ON record_entry "
        "FOR EACH ROW EXECUTE FUNCTION outage()",
    ]


pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")


async def test_a_cancelled_callers_write_still_lands(db: SessionFactory, clock: FakeClock) -> None:
    """Slack hanging up (the request task is cancelled) does not take the write with it."""
    incident = await new_incident(db, clock)
    writer = writer_of(db)
    caller = asyncio.ensure_future(
        writer.submit(append_all, pending(incident.id or 0, "1700000000.000001", "kept", clock))
    )
    await asyncio.sleep(0)  # submitted
    caller.cancel()
    await writer.close()  # everything submitted is committed first
    assert [content(row)["message"]["text"] for row in await said(db, incident.id or 0)] == ["kept"]


async def test_a_sqlite_files_batch_commits_in_one_call_on_the_loops_thread(
    db: SessionFactory, clock: FakeClock
) -> None:
    """(store/writer_thread.py: on the writer's thread only when the file is locked.)"""
    incident = await new_incident(db, clock)
    writer = writer_of(db)
    threads: list[str] = []

    def where(_conn: Any, items: Sequence[int]) -> list[int]:
        threads.append(threading.current_thread().name)
        return list(items)

    await asyncio.gather(*(writer.submit(where, n) for n in range(3)))
    await writer.submit(append_all, pending(incident.id or 0, "1700000000.000001", "x", clock))
    assert threads and all(name == threading.current_thread().name for name in threads)
    if db.engine.dialect.name == "sqlite":  # a file: its own connection, not aiosqlite's
        assert writer.handoff is not None and writer.handoff.waited == 0
    await writer.close()
    # closed, it opens again for a later batch (the app closes its writer only at stop)
    await writer.submit(append_all, pending(incident.id or 0, "1700000000.000002", "y", clock))
    assert len(await said(db, incident.id or 0)) == 2
    await writer.close()


def test_only_a_sqlite_file_gets_a_writer_thread() -> None:
    assert writer_url(make_url("sqlite+aiosqlite:///:memory:")) is None
    assert writer_url(make_url("sqlite+aiosqlite://")) is None
    assert writer_url(make_url("postgresql+asyncpg://u@h/d")) is None
    file = writer_url(make_url("sqlite+aiosqlite:////tmp/x.db"))
    assert file is not None and file.drivername == "sqlite+pysqlite"


async def test_the_writers_sqlite_connection_keeps_a_small_page_cache(db: SessionFactory) -> None:
    writer = make_writer_thread(db.engine)
    if writer is None:
        assert db.engine.dialect.name != "sqlite"
        return
    with writer.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -WRITER_CACHE_KIB
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    await writer.close()
