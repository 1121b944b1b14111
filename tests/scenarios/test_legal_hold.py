"""`/crisis hold` and `/crisis release` through signed requests: Legal only, in the record, on
the brief and the Home tab; a held incident is neither archived nor purged; once released and
past CRISIS_RETENTION_DAYS, the retention pass on `room.tick()` purges it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from unittest.mock import ANY

import pytest
from sqlmodel import select

from app.clock import FakeClock
from app.harness import Harness, start_harness
from app.harness.seed import DAVID, MARIA
from app.incidents.models import Incident
from app.record.retention_models import PurgeLog
from app.record.verify import verify_incident
from tests.record.helpers import content, rows
from tests.scenarios.approvals_helpers import open_seed_incident
from tests.scenarios.conftest import crisis, last_private
from tests.scenarios.test_home import open_home

DAYS = 30


@pytest.fixture
async def harness(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    running = await start_harness(
        database_url=f"sqlite:///{tmp_path / 'crisis.db'}", clock=clock, CRISIS_RETENTION_DAYS=DAYS
    )
    try:
        yield running
    finally:
        await running.stop()


def brief_of(harness: Harness, incident: Incident) -> str:
    assert incident.brief_ts is not None
    message = harness.double.message(incident.channel_id, incident.brief_ts)
    assert message is not None
    return harness.double.render(message.blocks)


async def fresh(harness: Harness, incident_id: int) -> Incident | None:
    async with harness.db() as session:
        return await session.get(Incident, incident_id)


async def actions_recorded(harness: Harness, incident_id: int) -> list[dict[str, object]]:
    return [content(row) for row in await rows(harness.db, incident_id) if row["kind"] == "action"]


async def test_legal_places_a_hold_seen_on_brief_home_and_in_the_record(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    room = incident.channel_id
    await crisis(harness, DAVID.id, "hold Litigation expected from @customer", channel=room)
    said = harness.double.messages(room)[-1].text
    assert "on legal hold: Litigation expected" in said and f"<@{DAVID.id}>" in said
    assert "Legal hold" in brief_of(harness, incident)
    assert "Legal hold" in await open_home(harness, MARIA.id)
    [held] = [
        a
        for a in await actions_recorded(harness, incident.id or 0)
        if a["action"] == "incident.hold"
    ]
    assert held["detail"] == {"reason": "Litigation expected from @customer"}
    await crisis(harness, DAVID.id, "hold again", channel=room)
    assert "already on legal hold" in last_private(harness, DAVID.id)
    await crisis(harness, DAVID.id, "release", channel=room)
    assert "released the legal hold" in harness.double.messages(room)[-1].text
    assert "Legal hold" not in brief_of(harness, incident)
    released = [
        a
        for a in await actions_recorded(harness, incident.id or 0)
        if a["action"] == "incident.release"
    ]
    assert [a["detail"] for a in released] == [
        {"reason": "Litigation expected from @customer", "held_by": DAVID.id, "held_at": ANY}
    ]
    assert (await verify_incident(harness.db, incident.id or 0)).intact


async def test_only_legal_may_hold_or_release(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    room = incident.channel_id
    await crisis(harness, MARIA.id, "hold", channel=room)
    line = last_private(harness, MARIA.id)
    assert "Only Legal can place or release a legal hold" in line and DAVID.id in line
    await crisis(harness, DAVID.id, "release", channel=room)
    assert "is not on legal hold" in last_private(harness, DAVID.id)
    await crisis(harness, DAVID.id, "release now", channel=room)
    assert "takes nothing after it" in last_private(harness, DAVID.id)


async def test_a_held_incident_is_neither_archived_nor_purged_until_released(
    harness: Harness, clock: FakeClock
) -> None:
    incident = await open_seed_incident(harness)
    room, incident_id = incident.channel_id, incident.id or 0
    await crisis(harness, DAVID.id, "hold Regulator inquiry", channel=room)
    await crisis(harness, MARIA.id, "resolve Sentiment normal again", channel=room)
    await crisis(harness, MARIA.id, "archive", channel=room)
    assert "is on legal hold" in last_private(harness, MARIA.id)
    assert not harness.double.channel(room).is_archived
    clock.advance(timedelta(days=DAYS * 3))
    await harness.room.tick()
    assert await fresh(harness, incident_id) is not None
    await crisis(harness, DAVID.id, "release", channel=room)
    await harness.room.tick()
    assert await fresh(harness, incident_id) is None
    async with harness.db() as session:
        [tombstone] = (await session.exec(select(PurgeLog))).all()
    assert tombstone.incident_id == incident_id and tombstone.channel_id == room


async def test_a_resolved_incident_is_purged_only_after_retention(
    harness: Harness, clock: FakeClock
) -> None:
    incident = await open_seed_incident(harness)
    incident_id = incident.id or 0
    await crisis(harness, MARIA.id, "resolve Done", channel=incident.channel_id)
    clock.advance(timedelta(days=DAYS) - timedelta(seconds=1))
    await harness.room.tick()
    assert await fresh(harness, incident_id) is not None
    clock.advance(timedelta(seconds=1))
    await harness.room.tick()
    assert await fresh(harness, incident_id) is None
    assert await rows(harness.db, incident_id) == []
