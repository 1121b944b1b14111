"""Approvals that never stall silently (issue 14), end to end through signed requests.

The seed incident is SEV2, so a public statement's response time is 60 minutes: at 60 the
approvers are reminded by DM, at 120 Legal's backup (Jordan) gets the card and the lead is told
under the war-room card. Automatic ticks are off; tests move the fake clock and tick.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.approvals.models import Action
from app.clock import FakeClock
from app.harness import Harness
from app.harness.seed import ALEX, DAVID, JORDAN, MARIA, ROBERT
from app.incidents.models import Incident
from app.roles.models import Role
from app.slack import ids
from app.slackdouble.workspace import Message
from tests.scenarios.approvals_helpers import click, copy_for, seed_apology, state
from tests.scenarios.conftest import crisis, last_private
from tests.updates.steps import MINUTE, later, quiet_harness, restarted, tick, trail, with_block


@pytest.fixture
async def harness(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    async with quiet_harness(tmp_path, clock) as running:
        yield running


async def stalled_apology(harness: Harness) -> tuple[Incident, Action]:
    incident, action = await seed_apology(harness, details="We are sorry for how we treated you.")
    await crisis(harness, ALEX.id, f"role add legal <@{JORDAN.id}|jordan> --backup")
    return incident, action


def reminders_to(harness: Harness, user: str) -> list[Message]:
    return with_block(harness.double.dms(user), ids.APPROVAL_REMINDER_TEXT)


def backup_asks(harness: Harness, user: str) -> list[Message]:
    return with_block(harness.double.dms(user), ids.APPROVAL_BACKUP_TEXT)


def lead_notes(harness: Harness, incident: Incident, card_ts: str) -> list[Message]:
    return [
        m
        for m in harness.double.messages(incident.channel_id)
        if m.thread_ts == card_ts and "backup" in m.text and m.ts != card_ts
    ]


async def test_reminded_at_the_response_time_then_backup_and_lead_at_twice_it(
    harness: Harness,
) -> None:
    incident, action = await stalled_apology(harness)
    card = await copy_for(harness, action.id or 0)
    await later(harness, 59 * MINUTE)
    assert reminders_to(harness, DAVID.id) == [] and reminders_to(harness, ROBERT.id) == []
    await later(harness, MINUTE)
    [david] = reminders_to(harness, DAVID.id)
    assert len(reminders_to(harness, ROBERT.id)) == 1
    assert "A-1" in david.text and "Legal" in david.text and "1h" in david.text
    assert f"archives/{card.channel_id}/p{card.ts.replace('.', '')}" in str(david.blocks)
    assert backup_asks(harness, JORDAN.id) == []
    await later(harness, 30 * MINUTE)
    assert len(reminders_to(harness, DAVID.id)) == 1 and backup_asks(harness, JORDAN.id) == []
    await later(harness, 30 * MINUTE)
    [ask] = backup_asks(harness, JORDAN.id)
    assert "backup" in ask.text and any(b.get("block_id") for b in ask.blocks)
    assert JORDAN.id in harness.double.channel(incident.channel_id).members
    notes = lead_notes(harness, incident, card.ts)  # one note per stalled role
    assert len(notes) == 2
    [legal] = [note for note in notes if "for Legal" in note.text]
    [executive] = [note for note in notes if "for Executive" in note.text]
    assert f"<@{MARIA.id}>" in legal.text and f"<@{JORDAN.id}>" in legal.text
    assert "Executive has no backup" in executive.text and "--backup" in executive.text
    for _ in range(3):
        await later(harness, 60 * MINUTE)
    assert len(reminders_to(harness, DAVID.id)) == 1 and len(backup_asks(harness, JORDAN.id)) == 1
    assert len(lead_notes(harness, incident, card.ts)) == 2
    assert len(await trail(harness, "approval.remind")) == 2  # David (legal), Robert (exec)
    escalations = await trail(harness, "approval.escalate")
    assert sorted(e.detail["via"] for e in escalations) == ["backup", "lead", "lead"]


async def test_the_asked_backup_may_decide_for_the_role(harness: Harness) -> None:
    incident, action = await stalled_apology(harness)
    await click(harness, JORDAN.id, action.id or 0, ids.APPROVE, role=Role.LEGAL)
    assert "not in its war room" in last_private(harness, JORDAN.id)  # not asked yet
    await later(harness, 120 * MINUTE)
    assert len(backup_asks(harness, JORDAN.id)) == 1
    await click(harness, JORDAN.id, action.id or 0, ids.APPROVE, role=Role.LEGAL, where=JORDAN.id)
    await click(harness, ROBERT.id, action.id or 0, ids.APPROVE, role=Role.EXEC)
    assert await state(harness, action.id or 0) == "approved"
    await crisis(harness, MARIA.id, "resolve Sentiment recovered.", channel=incident.channel_id)
    await crisis(harness, MARIA.id, "review", channel=incident.channel_id)
    [view] = harness.double.open_views(MARIA.id)
    figures = harness.double.render(view["blocks"])
    assert "Approvals past their response time: 2, 2 escalated" in figures
    assert "backups asked 1, used 1" in figures
    assert "legal median 2 h 00 min" in figures


async def test_a_decision_before_the_response_time_sends_nothing(harness: Harness) -> None:
    _, action = await stalled_apology(harness)
    await later(harness, 30 * MINUTE)
    await click(harness, DAVID.id, action.id or 0, ids.APPROVE, role=Role.LEGAL)
    await click(harness, ROBERT.id, action.id or 0, ids.APPROVE, role=Role.EXEC)
    for _ in range(4):
        await later(harness, 60 * MINUTE)
    assert reminders_to(harness, DAVID.id) == [] and reminders_to(harness, ROBERT.id) == []
    assert backup_asks(harness, JORDAN.id) == []
    assert await trail(harness, "approval.remind") == []


async def test_a_restart_between_does_not_resend(harness: Harness) -> None:
    await stalled_apology(harness)
    await later(harness, 60 * MINUTE)
    assert len(reminders_to(harness, DAVID.id)) == 1
    harness.clock.advance(60 * MINUTE)  # type: ignore[attr-defined]
    async with restarted(harness) as room:
        await tick(harness, room)
        await tick(harness, room)
    assert len(reminders_to(harness, DAVID.id)) == 1
    assert len(backup_asks(harness, JORDAN.id)) == 1


async def test_two_bots_on_one_database_send_each_message_once(harness: Harness) -> None:
    incident, action = await stalled_apology(harness)
    card = await copy_for(harness, action.id or 0)
    harness.double.latency = 0.02  # widen the window between claim and send
    async with restarted(harness) as twin:
        for _ in range(3):
            harness.clock.advance(60 * MINUTE)  # type: ignore[attr-defined]
            await asyncio.gather(harness.room.tick(), twin.tick(), harness.room.tick(), twin.tick())
            await harness.settle()
    assert len(reminders_to(harness, DAVID.id)) == 1 and len(reminders_to(harness, ROBERT.id)) == 1
    assert len(backup_asks(harness, JORDAN.id)) == 1
    assert len(lead_notes(harness, incident, card.ts)) == 2  # one per stalled role
    assert len(await trail(harness, "approval.remind")) == 2


async def test_roles_list_marks_backups(harness: Harness) -> None:
    await stalled_apology(harness)
    await crisis(harness, MARIA.id, "roles")
    shown = last_private(harness, MARIA.id)
    assert shown
    seen = harness.double.ephemerals(MARIA.id)[-1]
    rendered = harness.double.render(seen.blocks or [])
    assert f"{JORDAN.id}" in str(seen.blocks) and "(backup)" in rendered
