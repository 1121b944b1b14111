"""Steps the update scenarios share: a harness whose time only moves when a test says so."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlmodel import select

from app.audit.models import AuditEntry
from app.clock import Clock
from app.harness import Harness, start_harness
from app.harness.seed import MARIA
from app.incidents.models import Incident
from app.main import CrisisRoom, create_app
from app.slack import ids
from app.slackdouble.workspace import Message
from app.updates.models import Reminder
from tests.scenarios.conftest import crisis

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


@asynccontextmanager
async def quiet_harness(tmp_path: Path, clock: Clock, **overrides: Any) -> AsyncIterator[Harness]:
    """The bot and the double with automatic ticks off: tests call `room.tick()` themselves."""
    settings: dict[str, Any] = {"CRISIS_TICK_SECONDS": 0, **overrides}
    running = await start_harness(
        database_url=f"sqlite:///{tmp_path / 'crisis.db'}", clock=clock, **settings
    )
    try:
        yield running
    finally:
        await running.stop()


async def fresh(harness: Harness, incident: Incident) -> Incident:
    async with harness.db() as session:
        found = await session.get(Incident, incident.id, populate_existing=True)
    assert found is not None
    return found


async def tick(harness: Harness, *rooms: CrisisRoom) -> None:
    for room in rooms or (harness.room,):
        await room.tick()
    await harness.settle()


async def later(harness: Harness, delta: timedelta) -> None:
    """Time passes, then the reminder loop looks at the database."""
    harness.clock.advance(delta)  # type: ignore[attr-defined]
    await tick(harness)


def with_block(messages: list[Message], block_id: str) -> list[Message]:
    return [m for m in messages if any(b.get("block_id") == block_id for b in m.blocks or [])]


def nudges(harness: Harness, incident: Incident) -> list[Message]:
    return with_block(harness.double.messages(incident.channel_id), ids.NUDGE_TEXT)


def updates(harness: Harness, incident: Incident) -> list[Message]:
    return with_block(harness.double.messages(incident.channel_id), ids.UPDATE_HEADER)


def escalation_dms(harness: Harness, user: str) -> list[Message]:
    return with_block(harness.double.dms(user), ids.ESCALATION_TEXT)


def escalation_notes(harness: Harness, incident: Incident) -> list[Message]:
    return [m for m in harness.double.messages(incident.channel_id) if "escalat" in m.text]


def shown(harness: Harness, message: Message) -> str:
    return harness.double.render(message.blocks or []) if message.blocks else message.text


async def post_update(
    harness: Harness, incident: Incident, user: str = MARIA.id, **values: Any
) -> Any:
    """`/crisis update` in the war room, then submit the form with these inputs."""
    await crisis(harness, user, "update", channel=incident.channel_id)
    form = {ids.UPDATE_CHANGED: "The CEO apology is live; sentiment is stabilising.", **values}
    response = await harness.driver.submit_view(user, form)
    await harness.settle()
    return response


async def trail(harness: Harness, action: str) -> list[AuditEntry]:
    async with harness.db() as session:
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        return list((await session.exec(query)).all())


async def reminders(harness: Harness) -> list[Reminder]:
    async with harness.db() as session:
        return list((await session.exec(select(Reminder).order_by(Reminder.id))).all())


@asynccontextmanager
async def restarted(harness: Harness) -> AsyncIterator[CrisisRoom]:
    """A second bot process on the same database and the same Slack: a restart, or a twin."""
    room = create_app(harness.settings, clock=harness.clock)
    await room.start()
    try:
        yield room
    finally:
        await room.stop()
