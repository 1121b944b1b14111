"""One approved message, every audience: variants proposed, screened, revised, approved as a
set and posted where each belongs, through signed requests and the Slack double."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from app.approvals.models import Action, Approval
from app.approvals.variants import Audience
from app.audit.models import AuditEntry
from app.clock import FakeClock
from app.harness import Harness
from app.harness.seed import DAVID, LISA, MARIA, ROBERT
from app.incidents.models import Incident
from app.roles.models import Role
from app.slack import ids
from app.slack.blocks.approvals.variants_ids import POST, input_id
from tests.scenarios.approvals_helpers import click, copy_for, open_seed_incident, shown, state
from tests.scenarios.audience_room import EXECS, STAFF, audience_room
from tests.scenarios.conftest import crisis, last_private

DRAFT = "We hear you, and we are sorry for the experience our customer had."
VARIANTS = {
    Audience.EXECUTIVES: "Board brief: refund issued, training this week. <!channel>",
    Audience.EMPLOYEES: "Team, here is what happened and what we are doing.",
    Audience.CUSTOMERS: "We are sorry, and we have reached out to her personally.",
    Audience.PRESS: "Statement: we are retraining our customer-service team this week.",
    Audience.SOCIAL: "We hear you. Nobody should wait three hours. We're fixing it.",
}


@pytest.fixture
async def room(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    """The bot with a stakeholder (executive) channel and an employee channel it is in."""
    async with audience_room(tmp_path, clock) as running:
        yield running


async def propose(
    harness: Harness, incident: Incident, variants: dict[Audience, str], **extra: Any
) -> Action:
    await crisis(harness, MARIA.id, "propose CEO apology", channel=incident.channel_id)
    values: dict[str, Any] = {
        ids.PROPOSE_DETAILS: DRAFT,
        ids.PROPOSE_CATEGORY: "public_statement",
        **{input_id(audience): text for audience, text in variants.items()},
        **extra,
    }
    response = await harness.driver.submit_view(MARIA.id, values)
    assert response.status == 200 and "errors" not in response.text, response.text
    await harness.settle()
    async with harness.db() as session:
        return (await session.exec(select(Action).order_by(col(Action.id).desc()))).first()  # type: ignore[return-value]


async def approve_all(harness: Harness, action: Action) -> None:
    await click(harness, DAVID.id, action.id or 0, ids.APPROVE, role=Role.LEGAL)
    await click(harness, ROBERT.id, action.id or 0, ids.APPROVE, role=Role.EXEC)
    assert await state(harness, action.id or 0) == "approved"


async def trail(harness: Harness, action: str) -> list[AuditEntry]:
    async with harness.db() as session:
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(col(AuditEntry.id))
        return list((await session.exec(query)).all())


def thread_of(harness: Harness, channel: str, ts: str) -> list[str]:
    return [m.text for m in harness.double.messages(channel) if m.thread_ts == ts]


async def test_the_card_shows_every_variant_labelled_and_escaped(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    action = await propose(harness, incident, VARIANTS)
    copy = await copy_for(harness, action.id or 0)
    card = shown(harness, copy)
    for audience, text in VARIANTS.items():
        assert f"For {audience.label}" in card and text.split(".")[0] in card
    raw = str(harness.double.message(copy.channel_id, copy.ts).blocks)
    assert "&lt;!channel&gt;" in raw and "<!channel>" not in raw
    [proposed] = await trail(harness, "action.propose")
    assert proposed.detail["variants"]["press"] == VARIANTS[Audience.PRESS]


async def test_typed_propose_without_variants_still_works(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    action = await propose(harness, incident, {})
    card = shown(harness, await copy_for(harness, action.id or 0))
    assert "For Executives" not in card and DRAFT.split(",")[0] in card


async def test_the_guard_flags_a_variant_and_says_which(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    flagged = {**VARIANTS, Audience.PRESS: "This was our fault, and we will fix it."}
    action = await propose(harness, incident, flagged)
    copy = await copy_for(harness, action.id or 0)
    card = shown(harness, copy)
    assert "Possible admission of fault" in card and "Legal, please review" in card
    assert "In the *Press* variant: “our fault”" in card
    message = harness.double.message(copy.channel_id, copy.ts)
    assert "Approve anyway?" in str(message.blocks)  # Approve asks to confirm, as for the draft
    [proposed] = await trail(harness, "action.propose")
    assert proposed.detail["variant_fault_phrases"] == {"press": ["our fault"]}


async def test_revising_one_variant_shows_its_diff_and_asks_everyone_again(
    harness: Harness,
) -> None:
    incident = await open_seed_incident(harness)
    action = await propose(harness, incident, VARIANTS)
    aid = action.id or 0
    await click(harness, ROBERT.id, aid, ids.APPROVE, role=Role.EXEC)
    await click(harness, DAVID.id, aid, ids.REQUEST_CHANGES, role=Role.LEGAL)
    await harness.driver.submit_view(DAVID.id, {ids.REASON_INPUT: "Soften the social post."})
    await harness.settle()
    await click(harness, MARIA.id, aid, ids.REVISE, where=MARIA.id)
    new_social = "We hear you. Nobody should wait three hours for help."
    await harness.driver.submit_view(MARIA.id, {input_id(Audience.SOCIAL): new_social})
    await harness.settle()
    assert await state(harness, aid) == "pending"
    async with harness.db() as session:
        query = select(Approval).where(Approval.action_id == aid, Approval.revision == 2)
        fresh = (await session.exec(query)).all()
    assert sorted(a.state for a in fresh) == ["pending", "pending"]
    room = await copy_for(harness, aid)
    [reply] = [t for t in thread_of(harness, incident.channel_id, room.ts) if "revised" in t]
    assert (
        "*Social variant*" in reply and "-We hear you. Nobody should wait three hours. We" in reply
    )
    assert "+We hear you. Nobody should wait three hours for help." in reply
    assert "Press variant" not in reply and "fresh decision" in reply
    card = shown(harness, room)
    assert new_social in card and VARIANTS[Audience.PRESS] in card  # the others carried over


async def test_post_variants_posts_each_where_it_belongs_once(room: Harness) -> None:
    harness = room
    incident = await open_seed_incident(harness)
    action = await propose(harness, incident, VARIANTS)
    aid = action.id or 0
    await approve_all(harness, action)
    copy = await copy_for(harness, aid)
    approved_card = harness.double.message(copy.channel_id, copy.ts).blocks
    before = len(harness.double.messages(incident.channel_id))
    await click(harness, MARIA.id, aid, POST)
    [execs] = harness.double.messages(EXECS)
    assert "Board brief" in execs.text and "&lt;!channel&gt;" in str(execs.blocks)
    [staff] = harness.double.messages(STAFF)
    assert "Team, here is what happened" in str(staff.blocks)
    top = [m for m in harness.double.messages(incident.channel_id)[before:] if not m.thread_ts]
    copies = [m for m in top if "Copy-ready for" in m.text]
    assert sorted(m.text.split(":")[0] for m in copies) == [
        "Copy-ready for Customers",
        "Copy-ready for Press",
        "Copy-ready for Social",
    ]
    assert all("```" in str(m.blocks) for m in copies)
    card = harness.double.message(copy.channel_id, copy.ts)
    assert POST not in str(card.blocks) and f"posted in <#{EXECS}>" in str(card.blocks)
    harness.double.message(copy.channel_id, copy.ts).blocks = approved_card  # pressed again
    await click(harness, MARIA.id, aid, POST)
    assert "posted already" in last_private(harness, MARIA.id)
    assert len(harness.double.messages(EXECS)) == 1 and len(harness.double.messages(STAFF)) == 1
    again = [m for m in harness.double.messages(incident.channel_id) if "Copy-ready" in m.text]
    assert len(again) == 3
    posts = await trail(harness, "action.variant_post")
    where = {entry.detail["audience"]: entry.detail["channel"] for entry in posts}
    assert where == {
        "executives": EXECS,
        "employees": STAFF,
        "customers": incident.channel_id,
        "press": incident.channel_id,
        "social": incident.channel_id,
    }
    assert all(entry.detail["ts"] and entry.actor == MARIA.id for entry in posts)
    summary = [t for t in thread_of(harness, incident.channel_id, copy.ts) if "posted" in t]
    assert len(summary) == 1 and f"Executives → <#{EXECS}>" in summary[0]


async def test_only_the_lead_or_owner_may_post_variants(room: Harness) -> None:
    harness = room
    incident = await open_seed_incident(harness)
    action = await propose(harness, incident, VARIANTS)
    await approve_all(harness, action)
    await click(harness, LISA.id, action.id or 0, POST)
    said = last_private(harness, LISA.id)
    assert "Only an incident lead" in said and "\n" not in said
    assert harness.double.messages(EXECS) == [] and harness.double.messages(STAFF) == []
    assert await trail(harness, "action.variant_post") == []


async def test_without_channels_every_variant_is_copy_ready_in_the_war_room(
    harness: Harness,
) -> None:
    incident = await open_seed_incident(harness)
    action = await propose(harness, incident, {Audience.EMPLOYEES: "Team, read this first."})
    await approve_all(harness, action)
    await click(harness, MARIA.id, action.id or 0, POST)
    copies = [m for m in harness.double.messages(incident.channel_id) if "Copy-ready" in m.text]
    assert [m.text.split(":")[0] for m in copies] == ["Copy-ready for Employees"]
