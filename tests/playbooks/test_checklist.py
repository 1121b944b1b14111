"""An incident's checklist on SQLite and PostgreSQL: stored in order, each item ticked once."""

from __future__ import annotations

from datetime import timedelta

from app.audit.service import trail
from app.clock import FakeClock
from app.playbooks import checklist
from app.playbooks.load import load_playbooks
from app.store.engine import SessionFactory
from tests.factories import stored_incident


async def test_items_are_stored_in_order_and_ticked_once(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident = await stored_incident(db, at=clock.now())
    entries = load_playbooks(None).kinds["service_failure_viral"].checklist
    async with db.begin() as session:
        checklist.store(session, incident.id or 0, entries)
    clock.advance(timedelta(minutes=20))
    event = entries[1].ticks_on
    assert event is not None
    async with db.begin() as session:
        ticked = await checklist.tick(
            session,
            incident_id=incident.id or 0,
            event=event,
            by="U0ROBERT",
            at=clock.now(),
            subject="A-1",
        )
    assert [item.step for item in ticked] == ["communicate"]
    clock.advance(timedelta(minutes=5))
    async with db.begin() as session:
        again = await checklist.tick(
            session, incident_id=incident.id or 0, event=event, by="U0LISA", at=clock.now()
        )
    assert again == []
    async with db() as session:
        items = await checklist.items(session, incident.id or 0)
        audited = [e for e in await trail(session) if e.action == "checklist.tick"]
    assert [item.step for item in items] == [entry.step.value for entry in entries]
    communicate = items[1]
    assert (communicate.ticked_by, communicate.ticked_for) == ("U0ROBERT", "A-1")
    assert communicate.ticked_at == clock.now() - timedelta(minutes=5)
    assert [item.ticked_at for item in items if item.step != "communicate"] == [None] * 8
    assert [(e.actor, e.detail["step"]) for e in audited] == [("U0ROBERT", "communicate")]
