"""Nudges and escalations under Slack faults and a dying process (SQLite and PostgreSQL): what
Slack got is never sent again, what it did not get is sent, within seconds of fake time."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from app.clock import FakeClock
from app.harness import Harness
from app.harness.seed import ROBERT
from app.incidents.models import Incident
from app.main import CrisisRoom
from app.slack.gateway_reads import effect_metadata
from app.updates import claims, schedule
from app.updates.claims import ReminderKey
from app.updates.models import ReminderKind
from tests.conftest import BACKENDS
from tests.scenarios.approvals_helpers import open_seed_incident
from tests.updates.effects_room import LATE, carrying, effects_bot
from tests.updates.steps import HOUR, escalation_dms, escalation_notes, nudges, reminders, trail

SECOND = timedelta(seconds=1)


async def tick(harness: Harness, room: CrisisRoom, times: int = 1) -> None:
    for _ in range(times):
        await room.tick()
        await harness.settle()
        harness.clock.advance(SECOND)  # type: ignore[attr-defined]


def nudge_key(incident: Incident) -> ReminderKey:
    assert incident.id is not None and incident.next_update_due is not None
    return ReminderKey(
        incident.id, incident.next_update_due, ReminderKind.NUDGE, incident.channel_id
    )


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("fault", ["late", "drop"])
async def test_a_nudge_whose_answer_is_lost_is_in_the_room_once(
    backend: str, fault: str, tmp_path: Path, clock: FakeClock
) -> None:
    async with effects_bot(backend, tmp_path, clock) as (harness, room):
        incident = await open_seed_incident(harness)
        options = {"delay": LATE} if fault == "late" else {}
        harness.double.fault("chat.postMessage", fault, times=1, **options)  # type: ignore[arg-type]
        clock.advance(HOUR)
        await tick(harness, room, times=3)
        [nudge] = nudges(harness, incident)
        assert carrying([nudge], nudge_key(incident).effect) == [nudge]
        posts = harness.double.calls_to("chat.postMessage")
        assert [c.fault for c in posts if c.args.get("channel") == incident.channel_id][-1:] == [
            fault
        ]  # posted once, never again
        [row] = await reminders(harness)
        assert row.sent_at is not None and row.ts == nudge.ts and row.claimed_by is None
        [entry] = await trail(harness, "update.nudge")
        assert entry.detail["ts"] == nudge.ts and entry.detail.get("found") is True


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_5xx_is_retried_and_the_nudge_sent_once(
    backend: str, tmp_path: Path, clock: FakeClock
) -> None:
    async with effects_bot(backend, tmp_path, clock) as (harness, room):
        incident = await open_seed_incident(harness)
        harness.double.fault("chat.postMessage", "server_error", times=1, status=503)
        clock.advance(HOUR)
        await tick(harness, room, times=3)
        assert len(nudges(harness, incident)) == 1
        faults = [c.fault for c in harness.double.calls_to("chat.postMessage")]
        assert faults.count("server_error") == 1


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_lost_escalation_dm_is_found_in_the_dm_not_sent_twice(
    backend: str, tmp_path: Path, clock: FakeClock
) -> None:
    async with effects_bot(backend, tmp_path, clock) as (harness, room):
        incident = await open_seed_incident(harness)
        clock.advance(HOUR)
        await tick(harness, room)
        assert len(nudges(harness, incident)) == 1
        harness.double.fault("chat.postMessage", "late", times=1, delay=LATE)  # the first DM
        clock.advance(HOUR)
        await tick(harness, room, times=3)
        [dm] = escalation_dms(harness, ROBERT.id)
        [note] = escalation_notes(harness, incident)
        assert f"escalated to <@{ROBERT.id}>" in note.text and "couldn't reach" not in note.text
        nudge = nudge_key(incident)
        dm_key = ReminderKey(nudge.incident_id, nudge.due_at, ReminderKind.ESCALATION, ROBERT.id)
        assert carrying([dm], dm_key.effect) == [dm]
        assert harness.double.calls_to("conversations.open")  # the DM's history was read
        assert [c.fault for c in harness.double.calls_to("chat.postMessage")].count("late") == 1


async def die_holding_the_nudge(harness: Harness, incident: Incident) -> None:
    """Another process took the incident and claimed its nudge, then stopped (no heartbeat)."""
    async with harness.db.begin() as session:
        assert await schedule.take_due(session, now=harness.clock.now()) == [incident.id]
    async with harness.db.begin() as session:
        taken = await claims.claim(
            session, nudge_key(incident), owner="dead-process", now=harness.clock.now()
        )
    assert taken is not None


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("slack_had_it", [True, False], ids=["slack-had-it", "slack-did-not"])
async def test_a_process_dying_mid_send_is_taken_over_within_seconds(
    backend: str, slack_had_it: bool, tmp_path: Path, clock: FakeClock
) -> None:
    async with effects_bot(backend, tmp_path, clock) as (harness, room):
        incident = await open_seed_incident(harness)
        clock.advance(HOUR)
        effect = nudge_key(incident).effect
        await die_holding_the_nudge(harness, incident)
        if slack_had_it:  # its post reached Slack just before it died
            await room.deps.slack.post(
                incident.channel_id, text="An update is due", metadata=effect_metadata(effect)
            )
        died = clock.now()
        await tick(harness, room, times=10)  # 10 s: its claim is still fresh
        assert len(carrying(harness.double.messages(incident.channel_id), effect)) == int(
            slack_had_it
        )
        await tick(harness, room, times=8)  # 18 s
        [message] = carrying(harness.double.messages(incident.channel_id), effect)
        [row] = await reminders(harness)
        assert row.sent_at is not None and row.ts == message.ts
        assert row.sent_at - died <= claims.STALE_AFTER + 3 * SECOND
        assert len(nudges(harness, incident)) == int(not slack_had_it)  # ours has the blocks
        [entry] = await trail(harness, "update.nudge")
        assert entry.detail.get("found", False) is slack_had_it


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_live_process_keeps_its_claim(
    backend: str, tmp_path: Path, clock: FakeClock
) -> None:
    async with effects_bot(backend, tmp_path, clock) as (harness, room):
        incident = await open_seed_incident(harness)
        clock.advance(HOUR)
        await die_holding_the_nudge(harness, incident)
        for _ in range(30):  # it is slow, not dead: it beats every 5 s
            if clock.now().second % 5 == 0:
                async with harness.db.begin() as session:
                    await claims.heartbeat(session, owner="dead-process", now=clock.now())
            await tick(harness, room)
        assert nudges(harness, incident) == []
        async with harness.db() as session:
            found = (await session.exec(select(Incident))).one()
        look = found.next_reminder_at  # looked at again within seconds, not minutes
        assert look is not None and clock.now() <= look <= clock.now() + claims.STALE_AFTER
