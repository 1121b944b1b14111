"""Demo scenes for update cadence, at drill speed: an update, a missed one, a nudge, an
escalation to the CEO, and the update that clears it."""

from __future__ import annotations

from app.demo.approvals import fill, war_room
from app.demo.transcript import narrate
from app.harness import Harness
from app.harness.seed import MARIA
from app.slack import ids

FIRST_UPDATE = {
    ids.UPDATE_STATUS: "responding",
    ids.UPDATE_CHANGED: "CEO apology video posted; refund offered to the customer.",
    ids.UPDATE_ACTIONS: "Paid social paused; five micro-influencers briefed.",
    ids.UPDATE_NEXT_STEPS: "Root-cause analysis and a training refresh for customer service.",
    ids.UPDATE_METRICS: "Views 2.9M, sentiment -32% (from -40%), CEO video 150K views",
}
SECOND_UPDATE = {
    ids.UPDATE_STATUS: "monitoring",
    ids.UPDATE_CHANGED: "Sentiment recovering; first influencer posts are live.",
    ids.UPDATE_ACTIONS: "24/7 monitoring staffed until sentiment recovers.",
    ids.UPDATE_NEXT_STEPS: "Behind-the-scenes series on the improved support process.",
    ids.UPDATE_METRICS: "Sentiment -18%, mentions down 60% from peak",
}


async def _type(harness: Harness, user: str, text: str) -> None:
    incident = await war_room(harness)
    narrate(harness, user, f"#{incident.channel_name}", "types", f"/crisis {text}")
    await harness.driver.command(user, text, channel_id=incident.channel_id)
    await harness.settle_all()


async def _wait(harness: Harness, seconds: float) -> None:
    """Drill time: the clock moves and the reminder loop ticks, nobody sleeps."""
    narrate(harness, MARIA.id, "drill clock", "waits", f"{seconds:g} seconds pass…")
    harness.clock.advance(seconds)  # type: ignore[attr-defined]
    await harness.room.tick()
    await harness.settle_all()


async def scene_first_update(harness: Harness) -> None:
    """Maria sets a drill cadence and posts the first stakeholder update."""
    await _type(harness, MARIA.id, "cadence 5s")
    await _type(harness, MARIA.id, "update")
    await fill(harness, MARIA.id, FIRST_UPDATE)


async def scene_missed(harness: Harness) -> None:
    """The next update is missed: a nudge, then an escalation to Robert."""
    await _wait(harness, 5)
    await _wait(harness, 5)


async def scene_cleared(harness: Harness) -> None:
    """Maria posts the update from the nudge's button; the reminders stop."""
    incident = await war_room(harness)
    nudge = next(
        m
        for m in reversed(harness.double.messages(incident.channel_id))
        if ids.POST_UPDATE in str(m.blocks)
    )
    narrate(harness, MARIA.id, "the war room", "clicks", "[Post update] on the nudge")
    await harness.driver.click(
        MARIA.id, ids.POST_UPDATE, channel_id=incident.channel_id, message_ts=nudge.ts
    )
    await harness.settle_all()
    await fill(harness, MARIA.id, SECOND_UPDATE)
    await _type(harness, MARIA.id, "cadence 1h")
