"""Demo steps for approval cards: find the war room, click on a card, fill a form."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from app.approvals import queries
from app.approvals.models import Action, CopyKind
from app.demo.transcript import narrate
from app.harness import Harness
from app.incidents.models import Incident
from app.roles.models import Role
from app.slack import ids

BUTTONS = {
    ids.APPROVE: "Approve",
    ids.REQUEST_CHANGES: "Request changes",
    ids.REJECT: "Reject",
    ids.REVISE: "Revise",
    ids.MARK_DONE: "Mark done",
}


async def war_room(harness: Harness) -> Incident:
    async with harness.db() as session:
        return (await session.exec(select(Incident).order_by(col(Incident.id)))).first()  # type: ignore[return-value]


async def click(
    harness: Harness, user: str, action: Action, button: str, *, role: Role | None = None
) -> None:
    """Click on the copy of the card `user` sees: their DM copy, else the war-room copy."""
    async with harness.db() as session:
        copies = await queries.copies(session, action.id or 0)
    dm = harness.double.dm_channel(user)
    mine = [c for c in copies if dm is not None and c.channel_id == dm.id]
    copy = (mine or [c for c in copies if c.kind == CopyKind.CHANNEL])[-1]
    block = f"{ids.CARD_DECIDE}{role.value}" if role else None
    label = BUTTONS[button] + (f" as {role.label}" if button == ids.APPROVE and role else "")
    where = "their DM" if mine else "the war room"
    narrate(harness, user, where, "clicks", f"[{label}] on {action.ref} {action.title}")
    await harness.driver.click(
        user, button, block_id=block, channel_id=copy.channel_id, message_ts=copy.ts
    )
    await harness.settle_all()


async def fill(harness: Harness, user: str, values: dict[str, Any]) -> None:
    narrate(harness, user, "modal", "submits", "\n".join(str(v) for v in values.values()))
    await harness.driver.submit_view(user, values)
    await harness.settle_all()
