"""Demo scenes for the legal record: people talk, edit, delete and share; Maria resolves."""

from __future__ import annotations

from app.demo.approvals import war_room
from app.demo.transcript import narrate
from app.harness import Harness
from app.harness.seed import DAVID, JORDAN, LISA, MARIA, SARAH

SENTIMENT_CSV = b"hour,views,sentiment\n14:00,2700000,-40\n15:00,2900000,-32\n16:00,3000000,-18\n"


async def scene_talk(harness: Harness) -> None:
    """The war room talks: a thread, an edit, a deletion, a file. All of it is archived."""
    room = (await war_room(harness)).channel_id
    spike = harness.double.post_as(
        SARAH.id, room, "Monitoring shows an engagement spike, but sentiment is still negative."
    )
    harness.double.post_as(
        DAVID.id, room, "Document everything for potential litigation.", thread_ts=spike
    )
    draft = harness.double.post_as(LISA.id, room, "Budget moved to crisis respnse.")
    harness.double.edit_as(LISA.id, room, draft, "Budget moved to crisis response.")
    slip = harness.double.post_as(JORDAN.id, room, "Honestly the rep was just rude, our bad.")
    harness.double.delete_as(JORDAN.id, room, slip)
    harness.double.upload_as(
        SARAH.id,
        room,
        "sentiment-2026-11-21.csv",
        SENTIMENT_CSV,
        "text/csv",
        initial_comment="Hourly sentiment so far",
    )
    await harness.settle_all()


async def scene_resolve(harness: Harness) -> None:
    """Maria resolves the incident; its final record is exported to the war room."""
    incident = await war_room(harness)
    summary = "The video stopped spreading; sentiment is back within 10% of normal."
    narrate(harness, MARIA.id, f"#{incident.channel_name}", "types", f"/crisis resolve {summary}")
    await harness.driver.command(MARIA.id, f"resolve {summary}", channel_id=incident.channel_id)
    await harness.settle_all()
