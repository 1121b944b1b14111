"""The record's after-flush hook is connected by the composition root, per session factory:
importing the audit module wires nothing (both backends)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from app.audit.service import audit
from app.clock import FakeClock
from app.main import create_app
from app.record.hook import install_record_hook
from app.settings import load_settings
from app.store.engine import SessionFactory, make_session_factory
from tests.factories import stored_incident
from tests.record.helpers import content, rows


async def audited(db: SessionFactory, clock: FakeClock, incident_id: int, *actions: str) -> None:
    async with db.begin() as session:
        for action in actions:
            audit(session, at=clock.now(), actor="U0DAVID", action=action, incident_id=incident_id)


async def test_only_a_hooked_factory_copies_audit_rows_into_the_record(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    plain = make_session_factory(engine)
    incident = await stored_incident(plain, at=clock.now())
    assert incident.id is not None
    assert await rows(plain, incident.id) == []  # no hook: the audit row stays alone
    hooked = make_session_factory(engine)
    install_record_hook(hooked)
    install_record_hook(hooked)  # twice changes nothing
    await audited(hooked, clock, incident.id, "first", "second")
    await audited(plain, clock, incident.id, "unhooked")
    actions = [content(row)["action"] for row in await rows(hooked, incident.id)]
    assert actions == ["first", "second"]


async def test_create_app_connects_the_hook_and_uses_the_factorys_engine(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    factory = make_session_factory(engine)
    settings = load_settings(SLACK_BOT_TOKEN="xoxb-x", SLACK_SIGNING_SECRET="s")
    room = create_app(settings, session_factory=factory, clock=clock)
    assert room.engine is engine and room.deps.db is factory
    incident = await stored_incident(factory, at=clock.now())
    assert incident.id is not None
    [opened] = await rows(factory, incident.id)
    assert content(opened)["action"] == "incident.open"
