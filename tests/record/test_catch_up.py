"""The catch-up schedule on both backends: adoption, marks, leases, and clearing a gap only
when no newer one was noticed meanwhile (app/record/catch_up.py)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import col, select, update

from app.clock import FakeClock
from app.incidents.models import Incident, Status
from app.record import catch_up
from app.record.catch_up import LEASE, MARK_DELAY, ROUTINE_EVERY
from app.record.catch_up_models import RecordCatchUp
from app.record.gaps import GapMarks
from app.store.engine import SessionFactory
from tests.factories import stored_incident


async def rows(db: SessionFactory) -> dict[int, RecordCatchUp]:
    async with db() as session:
        found = (await session.exec(select(RecordCatchUp))).all()
        return {row.incident_id: row for row in found}


async def adopted(db: SessionFactory, clock: FakeClock, channels: list[str]) -> list[int]:
    ids = [(await stored_incident(db, at=clock.now(), channel=c)).id or 0 for c in channels]
    async with db.begin() as session:
        assert await catch_up.adopt(session, now=clock.now()) == len(channels)
        assert await catch_up.adopt(session, now=clock.now()) == 0  # once
    return ids


async def test_open_incidents_are_adopted_once_and_first_looked_at_later(
    db: SessionFactory, clock: FakeClock
) -> None:
    [one, two] = await adopted(db, clock, ["C0ONE", "C0TWO"])
    async with db.begin() as session:
        await session.exec(
            update(Incident).where(col(Incident.id) == two).values(status=Status.RESOLVED)
        )
    found = await rows(db)
    assert {row.due_at for row in found.values()} == {clock.now() + ROUTINE_EVERY}
    clock.advance(ROUTINE_EVERY)
    async with db.begin() as session:
        taken = await catch_up.take_next(session, now=clock.now())
        assert taken is not None and taken.incident_id == one  # the resolved one never
        assert await catch_up.take_next(session, now=clock.now()) is None  # leased


async def test_a_mark_makes_its_incident_due_soon_and_first(
    db: SessionFactory, clock: FakeClock
) -> None:
    [quiet, marked] = await adopted(db, clock, ["C0QUIET", "C0MARKED"])
    marks = GapMarks()
    marks.channel("C0MARKED", clock.now() - timedelta(minutes=1))
    marks.channel("C0UNKNOWN", clock.now())  # not a war room: nothing to mark
    async with db.begin() as session:
        assert await catch_up.mark(session, marks, now=clock.now()) == 1
    row = (await rows(db))[marked]
    assert row.gap_since == clock.now() - timedelta(minutes=1)
    assert row.due_at == clock.now()  # due at once (it was first looked at 5 min on)
    clock.advance(ROUTINE_EVERY)  # both are due; the marked one goes first
    async with db.begin() as session:
        first = await catch_up.take_next(session, now=clock.now())
        second = await catch_up.take_next(session, now=clock.now())
    assert first is not None and second is not None
    assert (first.incident_id, second.incident_id) == (marked, quiet)
    assert first.gap_since is not None and second.gap_since is None


async def test_a_gap_noticed_during_a_pass_is_not_cleared_by_it(
    db: SessionFactory, clock: FakeClock
) -> None:
    [incident] = await adopted(db, clock, ["C0WAR"])
    marks = GapMarks()
    marks.everywhere(clock.now())
    async with db.begin() as session:
        await catch_up.mark(session, marks, now=clock.now())
    clock.advance(MARK_DELAY)
    started = clock.now()
    async with db.begin() as session:
        taken = await catch_up.take_next(session, now=started)
    assert taken is not None and (await rows(db))[incident].due_at == started + LEASE
    clock.advance(2)
    again = GapMarks()
    again.channel("C0WAR", clock.now())  # a write fails while the pass reads history
    async with db.begin() as session:
        await catch_up.mark(session, again, now=clock.now())
        await catch_up.finish(
            session, taken, newest="1764600000.000002", started=started, now=clock.now()
        )
    row = (await rows(db))[incident]
    assert row.gap_since is not None and row.due_at == clock.now() + MARK_DELAY
    assert row.reconciled_ts == "1764600000.000002"
    async with db.begin() as session:  # the next pass closes it, and keeps the newest ts
        taken = await catch_up.take_next(session, now=row.due_at)
        assert taken is not None
        await catch_up.finish(
            session, taken, newest="1764599999.000001", started=row.due_at, now=row.due_at
        )
    row = (await rows(db))[incident]
    assert row.gap_since is None and row.gap_noticed is None
    async with db.begin() as session:  # a new gap right after a pass: walked again soon
        await catch_up.mark(session, again, now=row.due_at - ROUTINE_EVERY)
    assert (await rows(db))[incident].due_at == row.due_at - ROUTINE_EVERY + MARK_DELAY
    assert row.reconciled_at is not None and row.due_at == row.reconciled_at + ROUTINE_EVERY
    assert row.reconciled_ts == "1764600000.000002"


async def test_two_replicas_taking_at_once_never_take_the_same_incident(
    db: SessionFactory, clock: FakeClock
) -> None:
    ids = await adopted(db, clock, [f"C0W{n}" for n in range(6)])
    clock.advance(ROUTINE_EVERY)

    async def replica() -> list[int]:
        taken: list[int] = []
        while True:
            async with db.begin() as session:
                one = await catch_up.take_next(session, now=clock.now())
            if one is None:
                return taken
            taken.append(one.incident_id)
            await asyncio.sleep(0)

    first, second = await asyncio.gather(replica(), replica())
    assert sorted(first + second) == sorted(ids)  # each once, between them


async def test_the_backlog_counts_open_incidents_with_a_known_gap(
    db: SessionFactory, clock: FakeClock
) -> None:
    await adopted(db, clock, ["C0A", "C0B", "C0C"])
    marks = GapMarks()
    marks.channel("C0A", clock.now() - timedelta(minutes=3))
    marks.channel("C0B", clock.now())
    async with db.begin() as session:
        await catch_up.mark(session, marks, now=clock.now())
    async with db() as session:
        assert await catch_up.backlog(session) == (2, clock.now() - timedelta(minutes=3))


def test_marks_kept_in_memory_widen_and_survive_a_failed_save() -> None:
    marks, clock = GapMarks(), FakeClock()
    marks.channel("C0A", clock.now())
    marks.channel("C0A", clock.advance(60))
    marks.everywhere(clock.now())
    taken = marks.take()
    assert marks.pending == 0 and taken.pending == 2
    marks.channel("C0B", clock.advance(60))
    marks.put_back(taken)  # the database refused them: nothing is forgotten
    assert marks.pending == 3
    assert marks.channels["C0A"].since == clock.now() - timedelta(minutes=2)
    assert marks.channels["C0A"].noticed == clock.now() - timedelta(minutes=1)
    assert marks.oldest == clock.now() - timedelta(minutes=2)
