"""The reminder scheduler reads only what is due (`Incident.next_reminder_at`), on both backends."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, update

from app.clock import FakeClock
from app.flows.reminder_pass import tick
from app.incidents.models import Incident, Status
from app.store.engine import SessionFactory
from app.updates import schedule, service
from app.updates.claims import CLAIM_LEASE, STALE_AFTER
from app.updates.models import Reminder, ReminderKind
from app.updates.service import UpdateDraft
from tests.factories import stored_incident
from tests.updates.processes import MARIA, RecordingSlack, open_incident, process

CADENCE = timedelta(minutes=30)


async def _many(db: SessionFactory, clock: FakeClock, *, total: int, due: int) -> list[int]:
    """`total` open incidents, `due` of them due now; the rest nudged and waiting."""
    now = clock.now()
    rows = [
        Incident(
            title=f"t{i}",
            channel_id=f"C{i:06d}",
            channel_name=f"inc-{i}",
            opened_by=MARIA,
            opened_at=now - 2 * CADENCE,
            cadence_seconds=1800,
            next_update_due=now - CADENCE,
            next_reminder_at=now - timedelta(seconds=i + 1) if i < due else now + CADENCE,
        )
        for i in range(total)
    ]
    async with db.begin() as session:
        session.add_all(rows)
    return sorted(r.id or 0 for r in rows[:due])


async def test_a_tick_takes_only_the_due_rows_of_a_thousand(
    db: SessionFactory, clock: FakeClock
) -> None:
    wanted = await _many(db, clock, total=1000, due=3)
    async with db.begin() as session:
        taken = await schedule.take_due(session, now=clock.now())
    assert taken == wanted
    async with db.begin() as session:
        assert await schedule.take_due(session, now=clock.now()) == []  # leased
        leased = await session.get(Incident, wanted[0])
    assert leased is not None and leased.next_reminder_at == clock.now() + schedule.LOOK_LEASE


async def test_a_nudged_incident_is_not_looked_at_again_until_its_escalation(
    db: SessionFactory, clock: FakeClock
) -> None:
    room = await open_incident(db, clock)
    slack = RecordingSlack()
    deps = process(db, clock, slack)
    clock.advance(CADENCE)
    assert await tick(deps) == 1
    nudged_at = clock.now()
    assert len(slack.to(room.channel_id)) == 1
    assert await _next_look(db, room.id) == nudged_at + CADENCE
    clock.advance(CADENCE - timedelta(seconds=1))
    assert await tick(deps) == 0
    clock.advance(timedelta(seconds=1))
    assert await tick(deps) == 1  # the escalation: two DMs and the war-room note
    assert await _next_look(db, room.id) is None
    clock.advance(10 * CADENCE)
    assert await tick(deps) == 0
    assert len(slack.posts) == 4


async def test_an_update_sets_the_next_look_again(db: SessionFactory, clock: FakeClock) -> None:
    room = await open_incident(db, clock)
    deps = process(db, clock, RecordingSlack())
    clock.advance(CADENCE)
    await tick(deps)
    draft = UpdateDraft(status=Status.MONITORING, changed="rolled back")
    async with db.begin() as session:
        await service.record_update(
            session, incident_id=room.id or 0, draft=draft, by=MARIA, at=clock.now()
        )
    assert await _next_look(db, room.id) == clock.now() + CADENCE
    async with db.begin() as session:
        await service.set_cadence(
            session, incident_id=room.id or 0, seconds=None, by=MARIA, at=clock.now()
        )
    assert await _next_look(db, room.id) is None


def test_an_unsent_nudge_is_looked_at_when_its_lease_or_backoff_ends(clock: FakeClock) -> None:
    now = clock.now()
    incident = Incident(
        id=1,
        title="t",
        channel_id="C0WAR",
        channel_name="inc-1",
        opened_by=MARIA,
        opened_at=now,
        cadence_seconds=1800,
        next_update_due=now,
    )
    nudge = Reminder(
        incident_id=1, due_at=now, kind=ReminderKind.NUDGE, recipient="C0WAR", claimed_by="x"
    )
    nudge.claimed_at = now
    assert schedule.next_look(incident, [nudge]) == now + CLAIM_LEASE  # no heartbeat: the lease
    nudge.heartbeat_at = now + timedelta(seconds=20)  # its owner is alive: seconds, not minutes
    assert schedule.next_look(incident, [nudge]) == now + timedelta(seconds=20) + STALE_AFTER
    nudge.claimed_by, nudge.claimed_at, nudge.retry_at = None, None, now + timedelta(seconds=4)
    assert schedule.next_look(incident, [nudge]) == now + timedelta(seconds=4)
    assert schedule.next_look(incident, []) == now
    incident.status = Status.RESOLVED
    assert schedule.next_look(incident, [nudge]) is None


async def _next_look(db: SessionFactory, incident_id: int | None) -> object:
    async with db() as session:
        incident = await session.get(Incident, incident_id or 0, populate_existing=True)
    assert incident is not None
    return incident.next_reminder_at


async def test_incidents_an_older_release_left_unscheduled_are_adopted_at_once(
    db: SessionFactory, clock: FakeClock
) -> None:
    """A rolling upgrade across migration 0010: an incident opened on an old replica has no
    `next_reminder_at`; the new release's start gives it one, resolved incidents stay as is."""
    open_ = await stored_incident(db, at=clock.now(), channel="C0OLD1")
    closed = await stored_incident(db, at=clock.now(), channel="C0OLD2")
    async with db.begin() as session:
        await session.exec(
            update(Incident)
            .where(col(Incident.id).in_([open_.id, closed.id]))
            .values(next_reminder_at=None)
        )
        await session.exec(
            update(Incident).where(col(Incident.id) == closed.id).values(status=Status.RESOLVED)
        )
    clock.advance(60)
    async with db.begin() as session:
        assert await schedule.adopt_unscheduled(session, now=clock.now()) == 1
    async with db() as session:
        adopted = await session.get(Incident, open_.id)
        untouched = await session.get(Incident, closed.id)
    assert adopted is not None and adopted.next_reminder_at == clock.now()
    assert untouched is not None and untouched.next_reminder_at is None
