"""The writer's remembered chain heads (app/record/remembered.py), with the writer as the app
makes it: on PostgreSQL a batch goes whole in one statement while every remembered head is
still the head (app/flows/one_statement.py); any doubt (a head moved elsewhere, a key already
stored, a head never seen) goes the locked way, in a transaction, and the chain never forks. On
SQLite the batch is `append_all`."""

from __future__ import annotations

import asyncio

from app.clock import FakeClock
from app.flows.one_statement import attach
from app.record.append import append
from app.record.batch import Pending
from app.record.remembered import RememberedHeads
from app.record.verify import verify_incident
from app.store.engine import SessionFactory
from app.store.group_commit import GroupCommit
from tests.record.helpers import draft_of, message, new_incident, rows
from tests.record.test_group_commit import writer_of as sqlite_writer


def pending(incident_id: int, n: int, clock: FakeClock) -> Pending:
    return Pending(draft_of(message(f"1700000000.{n:06d}", f"line {n}")), incident_id, clock.now())


def writer_of(db: SessionFactory, heads: RememberedHeads) -> GroupCommit:
    writer = sqlite_writer(db)
    attach(writer, heads)
    return writer


async def seqs(db: SessionFactory, incident_id: int) -> list[int]:
    return [row["seq"] for row in await rows(db, incident_id)]


async def test_a_head_moved_elsewhere_is_read_again_and_the_chain_does_not_fork(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident = await new_incident(db, clock)
    heads = RememberedHeads()
    writer = writer_of(db, heads)
    await writer.submit(heads.append_all, pending(incident.id or 0, 0, clock))
    async with db.begin() as session:  # a decision, appended by a transaction of its own
        conn = await session.connection()
        draft = draft_of(message("1700000001.000000", "decided"))
        await conn.run_sync(
            lambda c: append(c, draft, incident_id=incident.id or 0, recorded_at=clock.now())
        )
    after = await writer.submit(heads.append_all, pending(incident.id or 0, 1, clock))
    again = await writer.submit(heads.append_all, pending(incident.id or 0, 2, clock))
    assert after is not None and after.seq == 4 and again is not None and again.seq == 5
    assert (await verify_incident(db, incident.id or 0)).intact
    await writer.close()


async def test_a_key_already_stored_stores_nothing_and_its_batch_mates_still_go_in(
    db: SessionFactory, clock: FakeClock
) -> None:
    one = await new_incident(db, clock, channel="C0ONE")
    two = await new_incident(db, clock, channel="C0TWO")
    heads = RememberedHeads()
    writer = writer_of(db, heads)
    for incident in (one, two):
        await writer.submit(heads.append_all, pending(incident.id or 0, 0, clock))
    retry = pending(one.id or 0, 0, clock)  # Slack's retry of the first message
    batch = [retry, pending(one.id or 0, 1, clock), pending(two.id or 0, 1, clock), retry]
    results = await asyncio.gather(*(writer.submit(heads.append_all, p) for p in batch))
    assert results[0] is None and results[3] is None
    assert results[1] is not None and results[2] is not None
    assert await seqs(db, one.id or 0) == [1, 2, 3]
    assert await seqs(db, two.id or 0) == [1, 2, 3]
    for incident in (one, two):
        assert (await verify_incident(db, incident.id or 0)).intact
    await writer.close()


async def test_a_remembered_head_that_never_committed_is_not_trusted(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident = await new_incident(db, clock)
    heads = RememberedHeads()
    writer = writer_of(db, heads)
    first = await writer.submit(heads.append_all, pending(incident.id or 0, 0, clock))
    assert first is not None
    seq = first.seq
    heads.heads[incident.id or 0] = (seq + 1, "0" * 64)  # as if its batch had rolled back
    stored = await writer.submit(heads.append_all, pending(incident.id or 0, 1, clock))
    assert stored is not None and stored.seq == seq + 1
    assert (await verify_incident(db, incident.id or 0)).intact
    await writer.close()
