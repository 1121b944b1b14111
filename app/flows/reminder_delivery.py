"""Sending one reminder exactly once (the steps: app/flows/claimed_delivery.py), while its due
period lasts; and the heartbeat that keeps this process's claims alive.

The post carries the reminder's effect id and is looked up first when an earlier attempt's
outcome is unknown (app/flows/effects.py), so a nudge Slack already has is recorded, not sent
again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from slack_sdk.models.blocks import Block
from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals import reminders_claims as approval_claims
from app.flows import claimed_delivery
from app.flows.claimed_delivery import Audited, Message, system_actor
from app.flows.deps import Deps
from app.incidents.models import Incident, Status
from app.metrics import alerts as alert_claims
from app.updates import claims
from app.updates.claims import ReminderKey

# What to post: (text, blocks), built when the claim is won (so it says what is true then).
Compose = Callable[[], Awaitable[tuple[str, Sequence[Block] | None]]]

__all__ = ["Compose", "beat", "deliver", "system_actor"]


async def deliver(
    deps: Deps, key: ReminderKey, compose: Compose, *, action: str, **detail: Any
) -> bool:
    """Post the reminder to `key.recipient` if this process wins its claim; True once it is
    in Slack and recorded."""

    async def still_due(session: AsyncSession) -> bool:
        incident = await session.get(Incident, key.incident_id, populate_existing=True)
        return incident is not None and _still_due(incident, key)

    async def message() -> Message:
        text, blocks = await compose()
        return Message(key.recipient, text, blocks)

    about = {"due_at": key.due_at.isoformat()}
    return await claimed_delivery.deliver(
        deps,
        claims.TABLE,
        key,
        still_owed=still_due,
        compose=message,
        audited=Audited(action, key.incident_id, about, detail),
        what=f"the {key.kind} for INC-{key.incident_id}",
    )


def _still_due(incident: Incident, key: ReminderKey) -> bool:
    return incident.status != Status.RESOLVED and incident.next_update_due == key.due_at


async def beat(deps: Deps) -> int:
    """This process is alive: refresh the heartbeat of every claim it holds, update nudges',
    approval reminders' and metric alerts' alike (one transaction, one UPDATE each)."""
    now = deps.clock.now()
    async with deps.db.begin() as session:
        nudges = await claims.heartbeat(session, owner=deps.owner, now=now)
        nudges += await alert_claims.heartbeat(session, owner=deps.owner, now=now)
        return nudges + await approval_claims.heartbeat(session, owner=deps.owner, now=now)
