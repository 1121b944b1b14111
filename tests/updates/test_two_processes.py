"""Two bot processes ticking over one database (SQLite and PostgreSQL) send each reminder once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import select

from app.audit.models import AuditEntry
from app.clock import FakeClock
from app.flows.reminder_pass import tick
from app.store.engine import SessionFactory
from tests.updates.processes import LISA, ROBERT, RecordingSlack, open_incident, process

CADENCE = timedelta(minutes=30)


async def test_two_processes_ticking_together_send_each_reminder_once(
    db: SessionFactory, clock: FakeClock
) -> None:
    rooms = [await open_incident(db, clock, f"C0WAR{i}") for i in range(3)]
    one, two = RecordingSlack(delay=0.01), RecordingSlack(delay=0.01)
    first, second = process(db, clock, one), process(db, clock, two)
    for _ in range(4):
        clock.advance(CADENCE)
        await asyncio.gather(tick(first), tick(second), tick(first), tick(second))
    posts = one.posts + two.posts
    for room in rooms:
        said = [text for channel, text in posts if channel == room.channel_id]
        assert len([t for t in said if "is due" in t]) == 1, said
        assert len([t for t in said if "escalated" in t]) == 1, said
    assert len([p for p in posts if p[0] == ROBERT]) == 3
    assert len([p for p in posts if p[0] == LISA]) == 3
    async with db() as session:
        audited = (await session.exec(select(AuditEntry.action))).all()
    assert audited.count("update.nudge") == 3 and audited.count("update.escalate") == 9


async def test_a_failed_nudge_is_retried_by_whichever_process_ticks_next(
    db: SessionFactory, clock: FakeClock
) -> None:
    room = await open_incident(db, clock)
    one, two = RecordingSlack(failures=["fatal_error"]), RecordingSlack()
    clock.advance(CADENCE)
    await tick(process(db, clock, one))
    assert one.posts == []
    await tick(process(db, clock, two))
    await tick(process(db, clock, one))
    assert len(two.to(room.channel_id)) == 1 and one.posts == []


async def test_an_exec_unreachable_by_dm_is_named_and_retried_alone(
    db: SessionFactory, clock: FakeClock
) -> None:
    room = await open_incident(db, clock)
    slack = RecordingSlack()
    deps = process(db, clock, slack)
    clock.advance(CADENCE)
    await tick(deps)
    clock.advance(CADENCE)
    slack.failures = ["user_not_found"]  # Robert's DM fails, Lisa's goes out
    await tick(deps)
    [note] = [t for t in slack.to(room.channel_id) if "escalated" in t]
    assert f"<@{LISA}>" in note and f"couldn't reach <@{ROBERT}>" in note
    await tick(deps)
    assert len(slack.to(ROBERT)) == 1 and len(slack.to(LISA)) == 1
    assert len([t for t in slack.to(room.channel_id) if "escalated" in t]) == 1
