"""A resolved or archived incident takes no more changes; its cards lose their buttons.

The war room below has three actions before it is resolved: A-1 the apology (pending legal and
exec), A-2 the ad pause (approved: Mark done), A-3 the refund (changes requested: Revise).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import col, select

from app.approvals.models import Action
from app.audit.models import AuditEntry
from app.harness import Harness
from app.harness.seed import ALEX, DAVID, LISA, MARIA, ROBERT, SARAH
from app.roles.models import Role
from app.slack import ids
from tests.scenarios.approvals_helpers import click, copies, copy_for, shown
from tests.scenarios.closed_helpers import (
    audit_count,
    buttons,
    dm_text,
    resolve,
    reviewed_with_a_follow_up,
    room_posts,
    snapshot,
    stale_click,
    status,
    war_room,
)
from tests.scenarios.conftest import crisis, last_private

RESOLVED = "INC-1 is resolved; `/crisis reopen` first"
ARCHIVED = "INC-1 is archived; its record stays exportable but nothing can change."


async def test_cards_lose_their_buttons_on_resolve_and_regain_them_on_reopen(
    harness: Harness,
) -> None:
    room = await war_room(harness)
    all_copies = [
        c for a in (room.apology, room.pause, room.refund) for c in await copies(harness, a.id or 0)
    ]
    assert len(all_copies) >= 6 and all(buttons(harness, c) for c in all_copies)
    updates_before = len(harness.double.calls_to("chat.update"))
    await resolve(harness, room)
    for copy in all_copies:
        assert buttons(harness, copy) == [], copy
        assert "INC-1 is resolved, so this card takes no decisions" in shown(harness, copy)
    updated = {
        (c.args["channel"], c.args["ts"])
        for c in harness.double.calls_to("chat.update")[updates_before:]
    }
    assert {(c.channel_id, c.ts) for c in all_copies} <= updated  # DM copies too
    await crisis(harness, MARIA.id, "reopen", channel=room.id)
    apology = await copy_for(harness, room.apology.id or 0, DAVID.id)
    assert ids.APPROVE in buttons(harness, apology) and "is resolved" not in shown(harness, apology)
    assert buttons(harness, await copy_for(harness, room.pause.id or 0)) == [ids.MARK_DONE]
    assert buttons(harness, await copy_for(harness, room.refund.id or 0)) == [ids.REVISE]


async def test_stale_buttons_on_a_resolved_incident_change_nothing(harness: Harness) -> None:
    room = await war_room(harness)
    seen = {
        a.ref: (copy, snapshot(harness, copy))
        for a in (room.apology, room.pause, room.refund)
        for copy in [await copy_for(harness, a.id or 0)]
    }
    await resolve(harness, room)
    before = (
        await audit_count(harness),
        room_posts(harness, room),
        len(harness.double.calls_to("views.open")),
    )
    cases = [
        (DAVID.id, "A-1", ids.APPROVE, "legal", "to approve A-1."),
        (ROBERT.id, "A-1", ids.REJECT, "exec", "to reject A-1."),
        (DAVID.id, "A-1", ids.REQUEST_CHANGES, "legal", "to request changes on A-1."),
        (LISA.id, "A-2", ids.MARK_DONE, "", "to mark A-2 done."),
        (MARIA.id, "A-3", ids.REVISE, "", "to revise A-3."),
    ]
    for user, ref, button, role, purpose in cases:
        copy, old = seen[ref]
        await stale_click(harness, user, copy, old, button, role)
        assert last_private(harness, user) == f":warning: {RESOLVED} {purpose}"
    after = (
        await audit_count(harness),
        room_posts(harness, room),
        len(harness.double.calls_to("views.open")),
    )
    assert after == before
    assert [await status(harness, a) for a in (room.apology, room.pause, room.refund)] == [
        "pending",
        "approved",
        "changes_requested",
    ]
    for copy, _ in seen.values():
        assert buttons(harness, copy) == []


async def test_forms_opened_before_resolve_are_refused_when_submitted(harness: Harness) -> None:
    room = await war_room(harness)
    await click(harness, ROBERT.id, room.apology.id or 0, ids.REJECT, role=Role.EXEC)
    await click(harness, MARIA.id, room.refund.id or 0, ids.REVISE)
    await click(harness, LISA.id, room.pause.id or 0, ids.MARK_DONE)
    await crisis(harness, SARAH.id, "propose Thank the fans", channel=room.id)
    await crisis(harness, DAVID.id, "update", channel=room.id)
    await resolve(harness, room)
    before = (await audit_count(harness), room_posts(harness, room))
    submissions = [
        (ROBERT.id, {ids.REASON_INPUT: "Too soft."}, "to reject A-1."),
        (MARIA.id, {ids.REVISE_DETAILS: "Refund up to the order value."}, "to revise A-3."),
        (LISA.id, {ids.DONE_NOTE: "Paused."}, "to mark A-2 done."),
        (
            SARAH.id,
            {ids.PROPOSE_DETAILS: "A thank-you post.", ids.PROPOSE_CATEGORY: "other"},
            "to propose an action.",
        ),
        (
            DAVID.id,
            {ids.UPDATE_STATUS: "monitoring", ids.UPDATE_CHANGED: "Calmer."},
            "to post an update.",
        ),
    ]
    for user, values, purpose in submissions:
        response = await harness.driver.submit_view(user, values)
        assert response.status == 200 and "errors" not in response.text, response.text
        await harness.settle()
        assert dm_text(harness, user) == f":warning: {RESOLVED} {purpose}"
    assert (await audit_count(harness), room_posts(harness, room)) == before
    async with harness.db() as session:
        assert len((await session.exec(select(Action))).all()) == 3


async def test_commands_that_change_a_resolved_incident_are_refused(harness: Harness) -> None:
    room = await war_room(harness)
    await resolve(harness, room)
    before = (
        await audit_count(harness),
        room_posts(harness, room),
        len(harness.double.calls_to("views.open")),
    )
    for text, purpose in (
        ("propose Thank the fans", "to propose an action."),
        ("update", "to post an update."),
        ("status monitoring", "to change its status."),
        ("cadence 30m", "to change the update cadence."),
    ):
        await crisis(harness, MARIA.id, text, channel=room.id)
        assert last_private(harness, MARIA.id) == f":warning: {RESOLVED} {purpose}"
    after = (
        await audit_count(harness),
        room_posts(harness, room),
        len(harness.double.calls_to("views.open")),
    )
    assert after == before
    await crisis(harness, MARIA.id, "cadence", channel=room.id)  # only reading: still answered
    assert "RESOLVED" not in last_private(harness, MARIA.id) and "resolved;" not in last_private(
        harness, MARIA.id
    )


async def test_the_post_update_button_of_an_old_nudge_is_refused(harness: Harness) -> None:
    room = await war_room(harness)
    await crisis(harness, MARIA.id, "cadence 10m", channel=room.id)
    harness.clock.advance(timedelta(minutes=11))  # type: ignore[attr-defined]
    await harness.room.tick()
    await harness.settle()
    nudge = next(m for m in harness.double.messages(room.id) if "Post update" in str(m.blocks))
    await resolve(harness, room)
    response = await harness.driver.click(
        MARIA.id, ids.POST_UPDATE, channel_id=room.id, message_ts=nudge.ts
    )
    assert response.status == 200
    await harness.settle()
    assert last_private(harness, MARIA.id) == f":warning: {RESOLVED} to post an update."
    assert harness.double.open_views(MARIA.id) == []


async def test_a_click_racing_a_resolve_is_counted_before_it_or_refused(harness: Harness) -> None:
    room = await war_room(harness)
    approve = click(
        harness, DAVID.id, room.apology.id or 0, ids.APPROVE, role=Role.LEGAL, settle=False
    )
    await asyncio.gather(approve, resolve(harness, room))
    await harness.settle()
    async with harness.db() as session:
        trail = (await session.exec(select(AuditEntry).order_by(col(AuditEntry.id)))).all()
    resolved_at = next(e.id for e in trail if e.action == "incident.resolve")
    decided = [
        e.id
        for e in trail
        if e.action == "action.decide"
        and e.detail.get("role") == "legal"
        and e.detail.get("action_id") == room.apology.id
    ]
    if decided:
        assert all((d or 0) < (resolved_at or 0) for d in decided)
    else:
        assert last_private(harness, DAVID.id) == f":warning: {RESOLVED} to approve A-1."
    for copy in await copies(harness, room.apology.id or 0):
        assert buttons(harness, copy) == []


async def test_home_offers_nothing_to_decide_on_a_resolved_incident(harness: Harness) -> None:
    room = await war_room(harness)
    event = {"type": "app_home_opened", "user": DAVID.id, "tab": "home"}
    assert (await harness.driver.event(event)).status == 200
    await harness.settle()
    home = harness.double.home(DAVID.id)
    assert home is not None and "[Approve as Legal]" in harness.double.render(home["blocks"])
    await resolve(harness, room)
    home = harness.double.home(DAVID.id)
    assert home is not None
    text = harness.double.render(home["blocks"])
    assert "Nothing is waiting for you" in text and "CEO apology" not in text


async def test_review_follow_ups_are_still_decided_and_done_after_resolve(harness: Harness) -> None:
    _, follow_up = await reviewed_with_a_follow_up(harness)
    card = await copy_for(harness, follow_up.id or 0)
    assert ids.APPROVE in buttons(harness, card) and "is resolved" not in shown(harness, card)
    await click(harness, ALEX.id, follow_up.id or 0, ids.APPROVE, role=Role.LEAD)
    assert await status(harness, follow_up) == "approved"
    await click(harness, LISA.id, follow_up.id or 0, ids.MARK_DONE)
    await harness.driver.submit_view(LISA.id, {ids.DONE_NOTE: "Scheduled for March."})
    await harness.settle()
    assert await status(harness, follow_up) == "done"


async def test_follow_ups_are_still_decided_after_the_room_is_archived(harness: Harness) -> None:
    room, follow_up = await reviewed_with_a_follow_up(harness)
    await crisis(harness, MARIA.id, "archive", channel=room.id)  # reviewed: archives at once
    assert harness.double.channel(room.id).is_archived
    told = len(harness.double.ephemerals(ALEX.id))
    await click(harness, ALEX.id, follow_up.id or 0, ids.APPROVE, role=Role.LEAD, where=ALEX.id)
    assert await status(harness, follow_up) == "approved"
    assert len(harness.double.ephemerals(ALEX.id)) == told  # no error line about the archive
    dm_card = await copy_for(harness, follow_up.id or 0, ALEX.id)
    assert buttons(harness, dm_card) == [ids.MARK_DONE]


async def test_an_archived_incident_cannot_be_reopened_or_decided(harness: Harness) -> None:
    room = await war_room(harness)
    dm_copy = await copy_for(harness, room.apology.id or 0, DAVID.id)
    seen = snapshot(harness, dm_copy)
    await resolve(harness, room)
    await crisis(harness, MARIA.id, "archive", channel=room.id)
    confirm = harness.double.ephemerals(MARIA.id)[-1]
    await harness.driver.click(
        MARIA.id, ids.ARCHIVE_CONFIRM, channel_id=room.id, message_ts=confirm.ts
    )
    await harness.settle()
    assert harness.double.channel(room.id).is_archived
    before = await audit_count(harness)
    await crisis(harness, MARIA.id, "reopen", channel=room.id)
    assert last_private(harness, MARIA.id) == f":warning: {ARCHIVED}"
    await stale_click(harness, DAVID.id, dm_copy, seen, ids.APPROVE, "legal")
    assert last_private(harness, DAVID.id) == f":warning: {ARCHIVED}"
    assert await audit_count(harness) == before
    assert await status(harness, room.apology) == "pending"
    assert buttons(harness, dm_copy) == [] and "INC-1 is archived" in shown(harness, dm_copy)
