"""Updates, cadence and status in the database: the update clock and the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.audit.service import trail
from app.clock import FakeClock
from app.errors import BadCommand
from app.incidents.models import Status
from app.store.engine import SessionFactory
from app.updates import service
from app.updates.service import UpdateDraft
from tests.updates.processes import MARIA, ROBERT, open_incident

MINUTES = timedelta(minutes=1)


async def test_an_update_restarts_the_clock_from_now(db: SessionFactory, clock: FakeClock) -> None:
    incident = await open_incident(db, clock)
    clock.advance(40 * MINUTES)
    draft = UpdateDraft(status=Status.RESPONDING, changed="Apology live", metrics="views 2.7M")
    async with db.begin() as session:
        recorded = await service.record_update(
            session, incident_id=incident.id or 0, draft=draft, by=MARIA, at=clock.now()
        )
    assert recorded.previous_status == Status.INVESTIGATING
    assert recorded.incident.last_update_at == clock.now()
    assert recorded.incident.next_update_due == clock.now() + 30 * MINUTES
    assert recorded.posted.metrics == "views 2.7M" and recorded.posted.next_due is not None


async def test_an_update_may_say_when_the_next_one_is_due(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident = await open_incident(db, clock)
    draft = UpdateDraft(status=Status.MONITORING, changed="Quiet", next_in_seconds=7200)
    async with db.begin() as session:
        recorded = await service.record_update(
            session, incident_id=incident.id or 0, draft=draft, by=MARIA, at=clock.now()
        )
    assert recorded.incident.next_update_due == clock.now() + 120 * MINUTES
    assert recorded.incident.cadence_seconds == 1800  # the cadence itself is unchanged


async def test_an_update_while_reminders_are_paused_schedules_nothing(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident = await open_incident(db, clock)
    async with db.begin() as session:
        await service.set_cadence(
            session, incident_id=incident.id or 0, seconds=None, by=MARIA, at=clock.now()
        )
        draft = UpdateDraft(status=Status.RESPONDING, changed="Quiet", next_in_seconds=600)
        recorded = await service.record_update(
            session, incident_id=incident.id or 0, draft=draft, by=MARIA, at=clock.now()
        )
    assert recorded.incident.next_update_due is None and recorded.posted.next_due is None


@pytest.mark.parametrize(
    ("seconds", "due_after"),
    [(3600, 60 * MINUTES), (600, 20 * MINUTES), (5, 20 * MINUTES), (None, None)],
)
async def test_a_new_cadence_counts_from_the_last_update_and_is_never_in_the_past(
    db: SessionFactory, clock: FakeClock, seconds: int | None, due_after: timedelta | None
) -> None:
    incident = await open_incident(db, clock)
    opened = clock.now()
    clock.advance(20 * MINUTES)
    async with db.begin() as session:
        changed = await service.set_cadence(
            session, incident_id=incident.id or 0, seconds=seconds, by=MARIA, at=clock.now()
        )
    assert changed.cadence_seconds == seconds
    assert changed.next_update_due == (opened + due_after if due_after else None)
    async with db() as session:
        [entry] = [e for e in await trail(session) if e.action == "cadence.change"]
    assert entry.detail["previous_seconds"] == 1800 and entry.detail["seconds"] == seconds


async def test_resolve_then_reopen(db: SessionFactory, clock: FakeClock) -> None:
    incident = await open_incident(db, clock)
    incident_id = incident.id or 0
    async with db.begin() as session:
        recorded = await service.resolve(
            session, incident_id=incident_id, summary="Over", by=ROBERT, at=clock.now()
        )
    assert recorded.incident.status == Status.RESOLVED
    assert recorded.incident.next_update_due is None and recorded.posted.kind == "resolution"
    with pytest.raises(BadCommand, match="resolved"):
        async with db.begin() as session:
            await service.set_status(
                session, incident_id=incident_id, status=Status.MONITORING, by=MARIA, at=clock.now()
            )
    with pytest.raises(BadCommand, match="already resolved"):
        async with db.begin() as session:
            await service.resolve(
                session, incident_id=incident_id, summary="x", by=MARIA, at=clock.now()
            )
    clock.advance(3 * 24 * 60 * MINUTES)
    async with db.begin() as session:
        reopened = await service.reopen(session, incident_id=incident_id, by=MARIA, at=clock.now())
    assert reopened.status == Status.INVESTIGATING
    assert reopened.next_update_due == clock.now() + 30 * MINUTES
    async with db() as session:
        actions = [e.action for e in await trail(session, incident_id=incident_id)]
    assert actions == ["incident.open", "update.post", "incident.resolve", "incident.reopen"]


async def test_only_open_incidents_that_are_due_are_due(
    db: SessionFactory, clock: FakeClock
) -> None:
    soon = await open_incident(db, clock, "C0SOON", cadence=60)
    await open_incident(db, clock, "C0LATER", cadence=3600)
    paused = await open_incident(db, clock, "C0PAUSED", cadence=60)
    async with db.begin() as session:
        await service.set_cadence(
            session, incident_id=paused.id or 0, seconds=None, by=MARIA, at=clock.now()
        )
    clock.advance(2 * MINUTES)
    async with db() as session:
        due = await service.due_incidents(session, clock.now())
    assert [i.id for i in due] == [soon.id]
