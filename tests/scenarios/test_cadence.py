"""Update cadence end to end: nudges, escalation, cadence changes, restarts and Slack errors.

Automatic ticks are off; each test moves the fake clock and calls the reminder tick itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.clock import FakeClock
from app.harness import Harness
from app.harness.seed import MARIA, ROBERT, SARAH
from app.slack import ids
from tests.scenarios.approvals_helpers import open_seed_incident, propose
from tests.scenarios.conftest import crisis, last_private
from tests.updates.steps import (
    HOUR,
    MINUTE,
    escalation_dms,
    escalation_notes,
    fresh,
    later,
    nudges,
    post_update,
    quiet_harness,
    reminders,
    restarted,
    shown,
    tick,
    trail,
)


@pytest.fixture
async def harness(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    async with quiet_harness(tmp_path, clock) as running:
        yield running


async def test_a_due_update_nudges_the_lead_once_with_what_is_still_open(
    harness: Harness,
) -> None:
    incident = await open_seed_incident(harness)  # SEV2: an update every 60 minutes
    await propose(
        harness,
        MARIA.id,
        incident,
        title="CEO apology",
        details="We are sorry.",
        category="public_statement",
    )
    await later(harness, 59 * MINUTE)
    assert nudges(harness, incident) == []
    await later(harness, MINUTE)
    [nudge] = nudges(harness, incident)
    text = shown(harness, nudge)
    assert f"<@{MARIA.id}>" in str(nudge.blocks)
    assert "No update since the incident opened 1h ago" in text
    assert "CEO apology: waiting for Legal, Executive" in text
    assert "Post update" in text
    for _ in range(5):
        await later(harness, 5 * MINUTE)
    assert len(nudges(harness, incident)) == 1
    [entry] = await trail(harness, "update.nudge")
    assert entry.incident_id == incident.id and entry.detail["ts"] == nudge.ts


async def test_a_missed_update_escalates_to_the_exec_one_cadence_after_the_nudge(
    harness: Harness,
) -> None:
    incident = await open_seed_incident(harness)
    await later(harness, HOUR)
    assert len(nudges(harness, incident)) == 1
    await later(harness, 59 * MINUTE)
    assert escalation_dms(harness, ROBERT.id) == []
    await later(harness, MINUTE)
    [dm] = escalation_dms(harness, ROBERT.id)
    text = shown(harness, dm)
    assert incident.ref in text and "1h overdue" in text
    assert f"<#{incident.channel_id}>" in str(dm.blocks)
    [note] = escalation_notes(harness, incident)
    assert f"escalated to <@{ROBERT.id}>" in note.text
    for _ in range(3):
        await later(harness, HOUR)
    assert len(escalation_dms(harness, ROBERT.id)) == 1
    assert len(escalation_notes(harness, incident)) == 1
    assert len(nudges(harness, incident)) == 1  # one per due period, never a stream
    vias = sorted(e.detail["via"] for e in await trail(harness, "update.escalate"))
    assert vias == ["channel", "dm"]


async def test_an_update_from_the_nudge_button_clears_it_and_restarts_the_clock(
    harness: Harness,
) -> None:
    incident = await open_seed_incident(harness)
    await later(harness, HOUR)
    [nudge] = nudges(harness, incident)
    await harness.driver.click(
        MARIA.id, ids.POST_UPDATE, channel_id=incident.channel_id, message_ts=nudge.ts
    )
    await harness.settle()
    await harness.driver.submit_view(
        MARIA.id, {ids.UPDATE_CHANGED: "Apology posted.", ids.UPDATE_STATUS: "responding"}
    )
    await harness.settle()
    now = harness.clock.now()
    after = await fresh(harness, incident)
    assert after.last_update_at == now and after.next_update_due == now + HOUR
    await later(harness, 59 * MINUTE)
    assert escalation_dms(harness, ROBERT.id) == [] and len(nudges(harness, incident)) == 1
    await later(harness, MINUTE)
    assert len(nudges(harness, incident)) == 2  # the next period has its own nudge


async def test_a_cadence_change_takes_effect_at_once(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    await later(harness, 10 * MINUTE)
    await crisis(harness, MARIA.id, "cadence 2h", channel=incident.channel_id)
    await later(harness, 55 * MINUTE)
    assert nudges(harness, incident) == []
    await crisis(harness, MARIA.id, "cadence 5m", channel=incident.channel_id)
    assert "every *5m* (was every 2h)" in harness.double.messages(incident.channel_id)[-1].text
    await tick(harness)
    assert len(nudges(harness, incident)) == 1  # 65 minutes since opening: due now
    [change, _] = await trail(harness, "cadence.change")
    assert change.detail["seconds"] == 7200 and change.detail["previous_seconds"] == 3600


async def test_drill_speed_cadence_in_seconds(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    await crisis(harness, MARIA.id, "cadence 5s", channel=incident.channel_id)
    await post_update(harness, incident)
    await later(harness, 4 * 1.0)
    assert nudges(harness, incident) == []
    await later(harness, 1.0)
    assert len(nudges(harness, incident)) == 1
    await later(harness, 5.0)
    assert len(escalation_dms(harness, ROBERT.id)) == 1


async def test_cadence_off_pauses_reminders_and_the_cadence_command_says_so(
    harness: Harness,
) -> None:
    incident = await open_seed_incident(harness)
    await crisis(harness, MARIA.id, "cadence", channel=incident.channel_id)
    assert "every 1h" in last_private(harness, MARIA.id)
    await crisis(harness, MARIA.id, "cadence off", channel=incident.channel_id)
    await later(harness, 5 * HOUR)
    assert nudges(harness, incident) == []
    await crisis(harness, MARIA.id, "cadence", channel=incident.channel_id)
    assert "paused" in last_private(harness, MARIA.id)
    brief = harness.double.message(incident.channel_id, incident.brief_ts or "")
    assert brief is not None and "paused" in str(brief.blocks)


async def test_only_stewards_change_the_cadence(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    await crisis(harness, SARAH.id, "cadence 5m", channel=incident.channel_id)
    assert "Only the incident lead, an executive" in last_private(harness, SARAH.id)
    assert (await fresh(harness, incident)).cadence_seconds == 3600


async def test_a_restarted_bot_sends_one_catch_up_nudge_not_three(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    await crisis(harness, MARIA.id, "cadence 1h", channel=incident.channel_id)
    harness.clock.advance(3 * HOUR)  # type: ignore[attr-defined]
    async with restarted(harness) as room:
        await tick(harness, room)
        await tick(harness, room)
        assert len(nudges(harness, incident)) == 1
        assert escalation_dms(harness, ROBERT.id) == []  # a full cadence after the nudge
        harness.clock.advance(HOUR)  # type: ignore[attr-defined]
        await tick(harness, room)
        assert len(escalation_dms(harness, ROBERT.id)) == 1


async def test_two_bots_on_one_database_never_send_a_reminder_twice(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    harness.double.latency = 0.02  # widen the window between claim and send
    async with restarted(harness) as twin:
        for _ in range(3):
            harness.clock.advance(HOUR)  # type: ignore[attr-defined]
            await asyncio.gather(harness.room.tick(), twin.tick(), harness.room.tick(), twin.tick())
            await harness.settle()
    assert len(nudges(harness, incident)) == 1
    assert len(escalation_dms(harness, ROBERT.id)) == 1
    assert len(escalation_notes(harness, incident)) == 1


async def test_a_slack_error_while_nudging_is_retried_on_the_next_tick(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    harness.double.fail_next("chat.postMessage", "fatal_error")
    await later(harness, HOUR)
    assert nudges(harness, incident) == []
    [row] = await reminders(harness)
    assert row.sent_at is None and row.attempts == 1 and row.last_error == "fatal_error"
    await tick(harness)
    await tick(harness)
    assert len(nudges(harness, incident)) == 1
    assert len(await trail(harness, "update.nudge")) == 1


async def test_a_resolved_incident_never_nudges_and_reopen_resumes(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    resolved: list[int] = []

    async def hook(deps: object, incident_id: int, by: str) -> None:
        resolved.append(incident_id)

    harness.room.deps.on_resolved.append(hook)
    await later(harness, 30 * MINUTE)
    await crisis(harness, MARIA.id, "resolve Sentiment recovered.", channel=incident.channel_id)
    assert resolved == [incident.id]
    for _ in range(5):
        await later(harness, 2 * HOUR)
    assert nudges(harness, incident) == []
    await crisis(harness, MARIA.id, "reopen", channel=incident.channel_id)
    await later(harness, 59 * MINUTE)
    assert nudges(harness, incident) == []
    await later(harness, MINUTE)
    assert len(nudges(harness, incident)) == 1
    assert [len(await trail(harness, a)) for a in ("incident.resolve", "incident.reopen")] == [1, 1]
