"""Sending one approval reminder exactly once (the steps: app/flows/claimed_delivery.py), while
the approval is still waiting, so a decision made meanwhile sends nothing.

Each post carries its effect id (`ApprovalReminderKey.effect`) and is looked up first when an
earlier attempt's outcome is unknown (app/flows/effects.py).
"""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals import reminders_claims as claims
from app.approvals.models import Action, ActionState, Approval, DecisionState
from app.approvals.reminders import ApprovalReminderKey
from app.flows import claimed_delivery
from app.flows.claimed_delivery import AfterPost, Audited, Compose, Message
from app.flows.deps import Deps

__all__ = ["AfterPost", "Compose", "Message", "deliver"]


async def deliver(
    deps: Deps,
    key: ApprovalReminderKey,
    compose: Compose,
    *,
    incident_id: int,
    action: str,
    after: AfterPost | None = None,
    **detail: Any,
) -> bool:
    """Post the message if this process wins its claim; True once it is in Slack and recorded."""

    async def waiting(session: AsyncSession) -> bool:
        approval = await session.get(Approval, key.approval_id, populate_existing=True)
        found = await session.get(Action, key.action_id, populate_existing=True)
        return approval is not None and found is not None and _waiting(approval, found)

    about = {
        "action_id": key.action_id,
        "approval_id": key.approval_id,
        "revision": key.revision,
        "role": key.role.value,
        "step": key.step,
    }
    return await claimed_delivery.deliver(
        deps,
        claims.TABLE,
        key,
        still_owed=waiting,
        compose=compose,
        audited=Audited(action, incident_id, about, detail),
        what=key.effect,
        after=after,
    )


def _waiting(approval: Approval, action: Action) -> bool:
    """Still pending, on the action's current revision (not decided, settled or revised)."""
    return (
        approval.state == DecisionState.PENDING
        and action.state == ActionState.PENDING
        and action.revision == approval.revision
    )
