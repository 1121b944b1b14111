"""The post-incident review on a scripted incident, follow-ups as actions, archive, list.

Hand-computed figures for the script below (T = opening):
- apology proposed at T+5 min; Robert (exec) approves at T+7, David (legal) at T+20:
  first approved public statement 20 min; turnaround exec 2 min, legal 15 min.
- cadence 10 min; update at T+8 (on time); next due T+18 is missed: nudge at T+18,
  escalation at T+28; update at T+30: 2 posted, 1 nudge, 1 escalation
  → 1 on time, 0 late, 1 escalated.
- Sarah posts twice and Lisa once: 3 messages from 2 people.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from app.approvals.models import Action
from app.harness import Harness
from app.harness.seed import DAVID, LISA, MARIA, ROBERT, SARAH
from app.record.verify import verify_incident
from app.roles.models import Role
from app.slack import ids
from tests.scenarios.approvals_helpers import click, open_seed_incident, propose
from tests.scenarios.conftest import crisis, last_private

UPDATE = {ids.UPDATE_STATUS: "responding", ids.UPDATE_CHANGED: "Apology posted."}


async def scripted_incident(harness: Harness):  # type: ignore[no-untyped-def]
    harness.driver.forward_events()
    incident = await open_seed_incident(harness)
    room = incident.channel_id
    clock = harness.clock
    await crisis(harness, MARIA.id, "cadence 10m", channel=room)
    clock.advance(timedelta(minutes=5))
    apology = await propose(
        harness,
        MARIA.id,
        incident,
        title="CEO apology",
        details="We are sorry.",
        category="public_statement",
    )
    clock.advance(timedelta(minutes=2))
    await click(harness, ROBERT.id, apology.id, ids.APPROVE, role=Role.EXEC)
    clock.advance(timedelta(minutes=1))
    await update(harness, room)  # T+8: on time; next due T+18
    await tick_at(harness, 10)  # T+18: nudge
    clock.advance(timedelta(minutes=2))
    await click(harness, DAVID.id, apology.id, ids.APPROVE, role=Role.LEGAL)  # T+20
    await tick_at(harness, 8)  # T+28: escalation
    clock.advance(timedelta(minutes=2))
    await update(harness, room)  # T+30
    for user, text in ((SARAH.id, "Spike"), (SARAH.id, "Calming"), (LISA.id, "Ads paused")):
        harness.double.post_as(user, room, text)
    await harness.double.settle()
    await harness.settle()
    await crisis(harness, MARIA.id, "resolve Sentiment normal again", channel=room)
    return incident


async def tick_at(harness: Harness, minutes: int) -> None:
    harness.clock.advance(timedelta(minutes=minutes))
    await harness.room.tick()
    await harness.settle()


async def update(harness: Harness, room: str) -> None:
    await crisis(harness, MARIA.id, "update", channel=room)
    await harness.driver.submit_view(MARIA.id, UPDATE)
    await harness.settle()


async def test_review_shows_hand_computed_figures_and_tracks_follow_ups(
    harness: Harness,
) -> None:
    incident = await scripted_incident(harness)
    await crisis(harness, MARIA.id, "review", channel=incident.channel_id)
    [view] = harness.double.open_views(MARIA.id)
    figures = harness.double.render(view["blocks"])
    assert "Opening to first approved public statement: 20 min" in figures
    assert "exec median 2 min, worst 2 min (1)" in figures
    assert "legal median 15 min, worst 15 min (1)" in figures
    assert "Updates: 1 on time, 0 late, 1 escalated" in figures
    assert "3 messages from 2 people" in figures
    await harness.driver.submit_view(
        MARIA.id,
        {
            ids.REVIEW_WHAT: "A support video went viral.",
            ids.REVIEW_WELL: "Legal caught the fault wording.",
            ids.REVIEW_BADLY: "The second update was late.",
            f"{ids.REVIEW_FOLLOW_UP}1": "Training refresh for customer service",
            f"{ids.REVIEW_OWNER}1": LISA.id,
            f"{ids.REVIEW_DUE}1": "2026-12-01",
        },
    )
    await harness.settle()
    async with harness.db() as session:
        follow_up = (await session.exec(select(Action).where(Action.owner == LISA.id))).one()
    assert (follow_up.category, follow_up.state) == ("internal", "pending")
    posted = [
        m for m in harness.double.messages(incident.channel_id) if "Review ·" in str(m.blocks)
    ]
    assert posted and "Training refresh" in harness.double.render(posted[0].blocks)


async def test_a_follow_up_needs_an_owner_and_a_due_date(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    await crisis(harness, MARIA.id, "resolve Done", channel=incident.channel_id)
    await crisis(harness, MARIA.id, "review", channel=incident.channel_id)
    response = await harness.driver.submit_view(
        MARIA.id,
        {
            ids.REVIEW_WHAT: "x",
            f"{ids.REVIEW_FOLLOW_UP}1": "Root-cause analysis",
        },
    )
    errors = response.json()["errors"]
    assert set(errors) == {f"{ids.REVIEW_OWNER}1", f"{ids.REVIEW_DUE}1"}


async def test_review_is_for_the_lead_after_resolve(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    await crisis(harness, MARIA.id, "review", channel=incident.channel_id)
    assert "still open" in last_private(harness, MARIA.id)
    await crisis(harness, DAVID.id, "review", channel=incident.channel_id)
    assert "Only the incident lead" in last_private(harness, DAVID.id)


async def test_archive_after_export_keeps_the_record(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    await crisis(harness, MARIA.id, "resolve Done", channel=incident.channel_id)
    assert harness.double.calls_to("files.completeUploadExternal")  # the final export
    await crisis(harness, MARIA.id, "archive", channel=incident.channel_id)
    assert "Archive without a review?" in last_private(harness, MARIA.id)
    assert not harness.double.channel(incident.channel_id).is_archived
    confirm = harness.double.ephemerals(MARIA.id)[-1]
    await harness.driver.click(
        MARIA.id, ids.ARCHIVE_CONFIRM, channel_id=incident.channel_id, message_ts=confirm.ts
    )
    await harness.settle()
    assert harness.double.channel(incident.channel_id).is_archived
    assert (await verify_incident(harness.db, incident.id or 0)).intact


async def test_list_shows_active_incidents(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    await crisis(harness, DAVID.id, "list")
    text = harness.double.render(harness.double.ephemerals(DAVID.id)[-1].blocks)
    assert incident.ref in text and "lead @Maria Rodriguez" in text
