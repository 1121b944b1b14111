"""Approval cards routed by role, end to end through signed requests and the Slack double."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from app.approvals.models import Approval
from app.harness import Harness
from app.harness.seed import ALEX, DAVID, LISA, MARIA, ROBERT, SARAH
from app.roles.models import Role
from app.slack import ids
from tests.scenarios.approvals_helpers import (
    click,
    copies,
    copy_for,
    open_seed_incident,
    propose,
    shown,
    state,
)
from tests.scenarios.conftest import crisis, last_private

APOLOGY = (
    "We are deeply sorry. This was our fault and we were wrong to keep you waiting three hours."
)
REVISED = "We are deeply sorry for your experience. We are retraining our team today."


async def apology(harness: Harness):  # type: ignore[no-untyped-def]
    incident = await open_seed_incident(harness)
    action = await propose(
        harness,
        MARIA.id,
        incident,
        title="CEO apology on all platforms",
        details=APOLOGY,
        category="public_statement",
    )
    return incident, action


async def test_a_proposal_posts_a_card_to_the_room_and_each_approver(harness: Harness) -> None:
    incident, action = await apology(harness)
    kinds = sorted((c.channel_id == incident.channel_id) for c in await copies(harness, action.id))
    assert kinds == [False, False, True]  # David's DM, Robert's DM, the war room
    room = shown(harness, await copy_for(harness, action.id))
    assert "CEO apology on all platforms" in room and "*Revision*\n1" in room
    assert "our fault" in room and "we were wrong to" in room
    for user in (DAVID.id, ROBERT.id):
        assert await copy_for(harness, action.id, user)
    brief = harness.double.message(incident.channel_id, incident.brief_ts)
    assert "1 pending" in harness.double.render(brief.blocks)


async def test_only_the_required_roles_may_decide(harness: Harness) -> None:
    _, action = await apology(harness)
    await click(harness, LISA.id, action.id, ids.APPROVE, role=Role.LEGAL)
    assert "legal" in last_private(harness, LISA.id).lower()
    assert await state(harness, action.id) == "pending"
    async with harness.db() as session:
        decided = (await session.exec(select(Approval).where(Approval.state != "pending"))).all()
    assert decided == []


async def test_a_decision_from_a_dm_updates_every_copy(harness: Harness) -> None:
    _, action = await apology(harness)
    await click(harness, ROBERT.id, action.id, ids.APPROVE, role=Role.EXEC, where=ROBERT.id)
    for copy in await copies(harness, action.id):
        text = shown(harness, copy)
        assert "Robert Chen" in text, text
    assert await state(harness, action.id) == "pending"


async def test_the_seed_story_changes_revision_approval_and_done(harness: Harness) -> None:
    incident, action = await apology(harness)
    await click(harness, ROBERT.id, action.id, ids.APPROVE, role=Role.EXEC)
    await click(harness, DAVID.id, action.id, ids.REQUEST_CHANGES, role=Role.LEGAL)
    await harness.driver.submit_view(DAVID.id, {ids.REASON_INPUT: "No admission of fault."})
    await harness.settle()
    assert await state(harness, action.id) == "changes_requested"
    maria_copy = await copy_for(harness, action.id, MARIA.id)
    await click(harness, MARIA.id, action.id, ids.REVISE, where=MARIA.id)
    await harness.driver.submit_view(MARIA.id, {ids.REVISE_DETAILS: REVISED})
    await harness.settle()
    assert await state(harness, action.id) == "pending"
    room = await copy_for(harness, action.id)
    thread = [
        m.text for m in harness.double.messages(incident.channel_id) if m.thread_ts == room.ts
    ]
    assert any("No admission of fault" in t for t in thread)
    assert any("Revision 2" in t or "revision 2" in t for t in thread)
    await click(harness, DAVID.id, action.id, ids.APPROVE, role=Role.LEGAL)
    await click(harness, ROBERT.id, action.id, ids.APPROVE, role=Role.EXEC)
    assert await state(harness, action.id) == "approved"
    for copy in [*(await copies(harness, action.id)), maria_copy]:
        message = harness.double.message(copy.channel_id, copy.ts)
        assert ids.APPROVE not in str(message.blocks)
        assert ids.MARK_DONE in str(message.blocks)
    await click(harness, SARAH.id, action.id, ids.MARK_DONE)
    assert "owner" in last_private(harness, SARAH.id) or "lead" in last_private(harness, SARAH.id)
    await click(harness, MARIA.id, action.id, ids.MARK_DONE)
    await harness.driver.submit_view(MARIA.id, {ids.DONE_NOTE: "Posts are live <!channel>"})
    await harness.settle()
    assert await state(harness, action.id) == "done"
    thread = [
        m.text for m in harness.double.messages(incident.channel_id) if m.thread_ts == room.ts
    ]
    assert any("Posts are live &lt;!channel&gt;" in t for t in thread)


async def test_a_stale_click_says_who_already_decided(harness: Harness) -> None:
    _, action = await apology(harness)
    copy = await copy_for(harness, action.id, DAVID.id)
    old = harness.double.message(copy.channel_id, copy.ts).blocks
    await click(harness, DAVID.id, action.id, ids.APPROVE, role=Role.LEGAL)
    harness.double.message(copy.channel_id, copy.ts).blocks = old  # a client still showing it
    await click(harness, DAVID.id, action.id, ids.APPROVE, role=Role.LEGAL, where=DAVID.id)
    said = last_private(harness, DAVID.id)
    assert "already approved" in said and "<@U0DAVID>" in said
    assert ids.CARD_DECIDE + "legal" not in str(
        harness.double.message(copy.channel_id, copy.ts).blocks
    )


async def test_two_approvers_at_the_same_moment_both_count(harness: Harness) -> None:
    _, action = await apology(harness)
    await asyncio.gather(
        click(harness, DAVID.id, action.id, ids.APPROVE, role=Role.LEGAL, settle=False),
        click(harness, ROBERT.id, action.id, ids.APPROVE, role=Role.EXEC, settle=False),
    )
    await harness.settle()
    assert await state(harness, action.id) == "approved"
    for copy in await copies(harness, action.id):
        text = shown(harness, copy)
        assert "David Kim" in text and "Robert Chen" in text
        assert ids.APPROVE not in str(harness.double.message(copy.channel_id, copy.ts).blocks)


async def test_a_double_click_is_one_decision(harness: Harness) -> None:
    _, action = await apology(harness)
    await asyncio.gather(
        click(harness, DAVID.id, action.id, ids.APPROVE, role=Role.LEGAL, settle=False),
        click(harness, DAVID.id, action.id, ids.APPROVE, role=Role.LEGAL, settle=False),
    )
    await harness.settle()
    async with harness.db() as session:
        decided = (await session.exec(select(Approval).where(Approval.state == "approved"))).all()
    assert len(decided) == 1
    assert "already approved" in last_private(harness, DAVID.id)


async def test_propose_outside_a_war_room_names_the_open_ones(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    await crisis(harness, MARIA.id, "propose Refund the customer")
    said = last_private(harness, MARIA.id)
    assert "only works inside a war room" in said and incident.ref in said


async def test_policy_and_actions_listings(harness: Harness) -> None:
    incident, action = await apology(harness)
    await crisis(harness, LISA.id, "policy")
    policy = harness.double.ephemerals(LISA.id)[-1]
    assert "Public statement" in harness.double.render(policy.blocks)
    await crisis(harness, LISA.id, "actions", channel=incident.channel_id)
    listing = harness.double.ephemerals(LISA.id)[-1]
    assert action.ref in harness.double.render(listing.blocks)


async def test_limits_hold_with_a_huge_hostile_draft_and_twenty_approvers(
    harness: Harness,
) -> None:
    incident = await open_seed_incident(harness)
    lawyers = [f"U0LAW{n:02d}" for n in range(20)]
    for user in lawyers:
        harness.double.add_user(user, user.lower(), f"Lawyer {user[-2:]}")
    mentions = " ".join(f"<@{user}>" for user in lawyers)
    await crisis(harness, ALEX.id, f"role add legal {mentions}")
    chunk = "<!channel> <@U0ROBERT> our fault & we are liable 🔥 *bold* "
    draft = (chunk * 60)[:3000]
    action = await propose(
        harness,
        MARIA.id,
        incident,
        title="<!here> " + "🔥" * 150,
        details=draft,
        category="public_statement",
    )
    posted = harness.double.calls_to("chat.postMessage")
    assert posted and all(call.ok for call in posted), [c.error for c in posted]
    assert len(await copies(harness, action.id)) == 1 + 21 + 1  # room, 21 legal, Robert
    room = harness.double.message(incident.channel_id, (await copy_for(harness, action.id)).ts)
    mrkdwn = mrkdwn_texts(room.blocks)
    assert not any("<!channel>" in t or "<!here>" in t for t in mrkdwn)
    draft_block = next(b for b in room.blocks if b.get("block_id") == ids.CARD_DRAFT)
    assert "<@U0ROBERT>" not in str(draft_block) and "&lt;@U0ROBERT&gt;" in str(draft_block)


def mrkdwn_texts(node: object) -> list[str]:
    """Every mrkdwn string in a Block Kit tree (where Slack would turn <!channel> into a ping)."""
    if isinstance(node, list):
        return [t for item in node for t in mrkdwn_texts(item)]
    if not isinstance(node, dict):
        return []
    found = [node["text"]] if node.get("type") == "mrkdwn" else []
    return found + [t for value in node.values() for t in mrkdwn_texts(value)]


async def test_a_rejection_needs_a_reason_and_ends_the_action(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    action = await propose(
        harness,
        MARIA.id,
        incident,
        title="Influencer partnership",
        details="Five micro-influencers",
        category="partnership",
    )
    await click(harness, DAVID.id, action.id, ids.REJECT, role=Role.LEGAL)
    refused = await harness.driver.submit_view(DAVID.id, {ids.REASON_INPUT: "  "})
    assert refused.json()["response_action"] == "errors"
    assert await state(harness, action.id) == "pending"
    await harness.driver.submit_view(DAVID.id, {ids.REASON_INPUT: "Contracts not reviewed."})
    await harness.settle()
    assert await state(harness, action.id) == "rejected"
    for copy in await copies(harness, action.id):
        blocks = str(harness.double.message(copy.channel_id, copy.ts).blocks)
        assert ids.APPROVE not in blocks and ids.MARK_DONE not in blocks
    room = await copy_for(harness, action.id)
    thread = [
        m.text for m in harness.double.messages(incident.channel_id) if m.thread_ts == room.ts
    ]
    assert any("rejected" in t.lower() and "Contracts not reviewed." in t for t in thread)
