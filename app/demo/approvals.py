"""Demo steps for approval cards: propose from the war room, click on a card, fill a form."""

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


async def propose(
    harness: Harness, user: str, *, title: str, details: str, category: str, owner: str
) -> Action:
    incident = await war_room(harness)
    narrate(harness, user, f"#{incident.channel_name}", "types", f"/crisis propose {title}")
    await harness.driver.command(user, f"propose {title}", channel_id=incident.channel_id)
    await harness.settle_all()
    values: dict[str, Any] = {
        ids.PROPOSE_DETAILS: details,
        ids.PROPOSE_CATEGORY: category,
        ids.PROPOSE_OWNER: owner,
    }
    owner_name = harness.double.user(owner).real_name
    narrate(harness, user, "modal", "submits", f"{category}, owner {owner_name}:\n{details}")
    await harness.driver.submit_view(user, values)
    await harness.settle_all()
    async with harness.db() as session:
        query = select(Action).order_by(col(Action.id).desc())
        return (await session.exec(query)).first()  # type: ignore[return-value]


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
