"""Steps the approval scenarios share: open the seed incident, propose, click, read cards."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from app.approvals import queries
from app.approvals.models import Action, CardCopy, CopyKind
from app.harness import Harness
from app.harness.seed import MARIA
from app.incidents.models import Incident
from app.roles.models import Role
from app.slack import ids
from tests.scenarios.conftest import crisis, seed_roles


async def open_seed_incident(harness: Harness) -> Incident:
    await seed_roles(harness)
    await crisis(harness, MARIA.id, "open Customer-service video going viral")
    async with harness.db() as session:
        return (await session.exec(select(Incident))).one()


async def propose(
    harness: Harness,
    user: str,
    incident: Incident,
    *,
    title: str,
    details: str,
    category: str,
    owner: str | None = None,
) -> Action:
    await crisis(harness, user, f"propose {title}", channel=incident.channel_id)
    values: dict[str, Any] = {ids.PROPOSE_DETAILS: details, ids.PROPOSE_CATEGORY: category}
    if owner:
        values[ids.PROPOSE_OWNER] = owner
    response = await harness.driver.submit_view(user, values)
    assert response.status == 200, response.text
    assert not response.text or "errors" not in response.text, response.text
    await harness.settle()
    async with harness.db() as session:
        return (await session.exec(select(Action).order_by(Action.id.desc()))).first()  # type: ignore[union-attr]


async def copies(harness: Harness, action_id: int) -> list[CardCopy]:
    async with harness.db() as session:
        return await queries.copies(session, action_id)


async def copy_for(harness: Harness, action_id: int, user: str | None = None) -> CardCopy:
    """The war-room copy, or the copy in `user`'s DM."""
    for copy in await copies(harness, action_id):
        if user is None and copy.kind == CopyKind.CHANNEL:
            return copy
        dm = harness.double.dm_channel(user) if user else None
        if dm is not None and copy.channel_id == dm.id:
            return copy
    raise AssertionError(f"no card copy for {user or 'the channel'}")


async def click(
    harness: Harness,
    user: str,
    action_id: int,
    button: str,
    *,
    role: Role | None = None,
    where: str | None = None,
    settle: bool = True,
) -> None:
    copy = await copy_for(harness, action_id, where)
    block = f"{ids.CARD_DECIDE}{role.value}" if role else None
    response = await harness.driver.click(
        user, button, block_id=block, channel_id=copy.channel_id, message_ts=copy.ts
    )
    assert response.status == 200, response.text
    if settle:
        await harness.settle()


async def state(harness: Harness, action_id: int) -> str:
    async with harness.db() as session:
        action = await queries.require(session, action_id)
    return str(action.state)


def shown(harness: Harness, copy: CardCopy) -> str:
    message = harness.double.message(copy.channel_id, copy.ts)
    assert message is not None
    return harness.double.render(message.blocks or [])


async def seed_apology(harness: Harness, *, details: str) -> tuple[Incident, Action]:
    """The seed incident with Maria's CEO apology proposed (legal and exec must approve)."""
    incident = await open_seed_incident(harness)
    action = await propose(
        harness,
        MARIA.id,
        incident,
        title="CEO apology",
        details=details,
        category="public_statement",
    )
    return incident, action
