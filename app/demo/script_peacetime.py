"""Demo scenes of the preparation in peacetime and its pay-off in the first hour: a holding
statement approved weeks before the crisis, then used unchanged in the war room, confirmed by
the lead alone, which ticks "communicate" on the brief's checklist."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import col, select

from app.approvals.models import Action
from app.demo.approvals import click, war_room
from app.demo.transcript import narrate
from app.harness import Harness
from app.harness.seed import DAVID, MARIA, ROBERT, SARAH
from app.library.models import LibraryCard, LibraryVersion
from app.roles.models import Role
from app.slack import ids
from app.slack.blocks import brief_ids
from app.slack.blocks import library_ids as library
from app.slack.blocks.brief_buttons import TickChoice

PEACETIME = datetime(2026, 10, 2, 9, 0, tzinfo=UTC)
CRISIS_DAY = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)
"""The seed crisis' first hour; the demo's clock starts at PEACETIME, seven weeks earlier."""

HOLDING_KEY = "apology-long-wait"
HOLDING_TITLE = "Apology for a long wait"
HOLDING_TEXT = (
    "We know {customer} waited far too long for help, and we are sorry for the experience. "
    "We have reached out personally, and we are reviewing how it happened so that nobody "
    "waits like that again."
)
CUSTOMER = "a customer in the video shared today"


async def scene_library(harness: Harness) -> None:
    """Maria adds the apology to the library; David (Legal) and Robert (Executive) approve it."""
    narrate(harness, MARIA.id, "#general", "types", "/crisis library add")
    await harness.driver.command(MARIA.id, "library add", channel_id=harness.general)
    await harness.settle_all()
    values = {
        library.KEY: HOLDING_KEY,
        library.KIND: "service_failure_viral",
        library.AUDIENCE: "public",
        library.TITLE: HOLDING_TITLE,
        library.TEXT: HOLDING_TEXT,
    }
    narrate(harness, MARIA.id, "modal", "submits", f"{HOLDING_KEY}: {HOLDING_TEXT}")
    await harness.driver.submit_view(MARIA.id, values)
    await harness.settle_all()
    await _approve(harness, DAVID.id, Role.LEGAL)
    await _approve(harness, ROBERT.id, Role.EXEC)


async def _approve(harness: Harness, user: str, role: Role) -> None:
    async with harness.db() as session:
        version = (
            await session.exec(select(LibraryVersion).order_by(col(LibraryVersion.id).desc()))
        ).first()
        assert version is not None
        cards = await session.exec(select(LibraryCard).where(LibraryCard.version_id == version.id))
        dm = harness.double.dm_channel(user)
        [card] = [c for c in cards.all() if dm is not None and c.channel_id == dm.id]
    narrate(harness, user, "their DM", "clicks", f"[Approve as {role.label}] on {HOLDING_KEY}")
    await harness.driver.click(
        user,
        library.APPROVE,
        block_id=f"{library.DECIDE_BLOCK}{role.value}",
        channel_id=card.channel_id,
        message_ts=card.ts,
    )
    await harness.settle_all()


async def scene_holding(harness: Harness) -> None:
    """Sarah uses the apology unchanged; Maria confirms it alone and ticks "assess" by hand."""
    incident = await war_room(harness)
    typed = f"/crisis propose --from-library {HOLDING_KEY}"
    narrate(harness, SARAH.id, f"#{incident.channel_name}", "types", typed)
    await harness.driver.command(
        SARAH.id, typed.removeprefix("/crisis "), channel_id=incident.channel_id
    )
    await harness.settle_all()
    narrate(harness, SARAH.id, "modal", "submits", f"{{customer}} = “{CUSTOMER}”, words unchanged")
    await harness.driver.submit_view(SARAH.id, {f"{library.FILL}customer": CUSTOMER})
    await harness.settle_all()
    async with harness.db() as session:
        action = (await session.exec(select(Action).order_by(col(Action.id).desc()))).first()
    assert action is not None
    await click(harness, MARIA.id, action, ids.APPROVE, role=Role.LEAD)
    brief = harness.double.messages(incident.channel_id)[0]
    choice = TickChoice(incident.id or 0, "assess", True)
    narrate(harness, MARIA.id, "the brief", "picks", "[Tick Assess] in the checklist")
    await harness.driver.click(
        MARIA.id,
        brief_ids.TICK_STEP,
        value=choice.dump(),
        channel_id=incident.channel_id,
        message_ts=brief.ts,
    )
    await harness.settle_all()
