"""PostgreSQL's writer sends a batch of replay marks and record entries as one statement, on a
connection without a transaction of its own (app/flows/one_statement.py): the batch is written
whole or not at all, and whatever the statement cannot write goes the usual way."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, func, select

from app.clock import FakeClock
from app.flows.one_statement import MarksAndEntries, attach
from app.record.append import append
from app.record.batch import Pending
from app.record.remembered import RememberedHeads
from app.record.verify import verify_incident
from app.requests.models import SeenRequest
from app.requests.replay import insert_new
from app.store.engine import SessionFactory
from app.store.group_commit import GroupCommit
from tests.record.helpers import draft_of, message, new_incident, rows

SEEN = SeenRequest.__table__  # type: ignore[attr-defined]


@pytest.fixture
def pg(db: SessionFactory) -> SessionFactory:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("one statement a batch is PostgreSQL's (SQLite's batch is one call)")
    return db


def writer_of(db: SessionFactory, heads: RememberedHeads) -> GroupCommit:
    writer = GroupCommit(db.engine)
    writer.one_statement = MarksAndEntries(heads)
    return writer


def entry(incident_id: int, n: int, clock: FakeClock) -> Pending:
    return Pending(draft_of(message(f"1700000000.{n:06d}", f"line {n}")), incident_id, clock.now())


def mark(n: int) -> dict[str, Any]:
    seen = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    return {"signature_sha256": f"{n:064x}", "signed_at": 1_700_000_000 + n, "seen_at": seen}


@contextmanager
def statements(db: SessionFactory) -> Iterator[list[tuple[str, str | None]]]:
    """Each statement sent while inside, with the isolation level it was sent under."""
    sent: list[tuple[str, str | None]] = []

    def note(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append((statement, conn.get_execution_options().get("isolation_level")))

    event.listen(db.engine.sync_engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", note)


async def stored_marks(db: SessionFactory) -> int:
    async with db() as session:
        conn = await session.connection()
        return int((await conn.execute(select(func.count()).select_from(SEEN))).scalar_one())


async def learn(writer: GroupCommit, heads: RememberedHeads, pending: Pending) -> int:
    """The first batch of an incident goes the usual way, and the writer remembers its head
    (returned: its seq)."""
    found = await writer.submit(heads.append_all, pending)
    assert found is not None
    return found.seq


async def learned(
    db: SessionFactory, clock: FakeClock
) -> tuple[int, RememberedHeads, GroupCommit, int]:
    """A war room whose head the writer remembers: (incident, heads, writer, head's seq)."""
    incident = (await new_incident(db, clock)).id or 0
    heads = RememberedHeads()
    writer = writer_of(db, heads)
    return incident, heads, writer, await learn(writer, heads, entry(incident, 0, clock))


async def test_a_batch_of_marks_and_entries_is_one_statement_outside_a_transaction(
    pg: SessionFactory, clock: FakeClock
) -> None:
    incident, heads, writer, head = await learned(pg, clock)
    before = writer.batches
    with statements(pg) as sent:
        jobs = [writer.submit(insert_new, mark(n)) for n in range(20)]
        jobs += [writer.submit(heads.append_all, entry(incident, n, clock)) for n in range(1, 21)]
        results = await asyncio.gather(*jobs)
    assert results[:20] == [True] * 20
    assert [found.seq for found in results[20:]] == list(range(head + 1, head + 21))
    assert len(sent) == writer.batches - before  # one statement a batch, nothing else
    assert {level for _, level in sent} == {"AUTOCOMMIT"}
    assert await stored_marks(pg) == 20
    assert [row["seq"] for row in await rows(pg, incident)] == list(range(1, head + 21))
    assert (await verify_incident(pg, incident)).intact
    await writer.close()


async def test_a_replayed_mark_and_a_mark_sent_twice_in_one_batch_are_not_first(
    pg: SessionFactory, clock: FakeClock
) -> None:
    heads = RememberedHeads()
    writer = writer_of(pg, heads)
    assert await writer.submit(insert_new, mark(1)) is True
    results = await asyncio.gather(
        *(writer.submit(insert_new, mark(n)) for n in (1, 2, 2, 3)),
    )
    assert results == [False, True, False, True]
    assert await stored_marks(pg) == 3
    await writer.close()


async def test_a_head_moved_elsewhere_writes_nothing_then_the_batch_goes_the_usual_way(
    pg: SessionFactory, clock: FakeClock
) -> None:
    incident, heads, writer, head = await learned(pg, clock)
    async with pg.begin() as session:  # a decision, appended by a transaction of its own
        conn = await session.connection()
        decided = draft_of(message("1700000001.000000", "decided"))
        await conn.run_sync(
            lambda c: append(c, decided, incident_id=incident, recorded_at=clock.now())
        )
    with statements(pg) as sent:
        results = await asyncio.gather(
            writer.submit(insert_new, mark(7)),
            writer.submit(heads.append_all, entry(incident, 1, clock)),
        )
    assert results[0] is True
    assert results[1] is not None and results[1].seq == head + 2
    assert sent[0][1] == "AUTOCOMMIT"  # tried in one statement, which wrote nothing
    assert any(level != "AUTOCOMMIT" for _, level in sent[1:])  # then in a transaction
    assert await stored_marks(pg) == 1
    assert [row["seq"] for row in await rows(pg, incident)] == list(range(1, head + 3))
    assert (await verify_incident(pg, incident)).intact
    await writer.close()


async def test_a_stored_key_in_the_batch_sends_it_the_usual_way_and_stores_it_once(
    pg: SessionFactory, clock: FakeClock
) -> None:
    incident, heads, writer, head = await learned(pg, clock)
    retry = entry(incident, 0, clock)  # Slack's retry of the first message
    results = await asyncio.gather(
        writer.submit(heads.append_all, retry),
        writer.submit(insert_new, mark(9)),
        writer.submit(heads.append_all, entry(incident, 1, clock)),
    )
    assert results[0] is None and results[1] is True
    assert results[2] is not None and results[2].seq == head + 1
    assert [row["seq"] for row in await rows(pg, incident)] == list(range(1, head + 2))
    await writer.close()


def test_a_batch_bringing_files_or_an_unknown_head_is_not_for_one_statement() -> None:
    clock = FakeClock()
    heads = RememberedHeads(heads={1: (3, "a" * 64)})
    with_file = Pending(draft_of(message("1.000001", "x")), 1, clock.now(), files=(("f", b"x"),))
    assert heads.whole([entry(1, 1, clock)]) is not None
    assert heads.whole([entry(1, 1, clock), with_file]) is None
    assert heads.whole([entry(2, 1, clock)]) is None  # (incident 2's head is not known)


async def test_only_postgresql_gets_one_statement(db: SessionFactory) -> None:
    attach(db.writer, RememberedHeads())
    postgresql = db.engine.dialect.name == "postgresql"
    assert (db.writer.one_statement is not None) == postgresql
