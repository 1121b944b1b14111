"""The war room's checklist ticked as the work happens, inside the change's own transaction
(so the brief read in it shows the tick): an approved public statement ticks what ticks on
`statement_approved` ("communicate" in the shipped playbooks), the first stakeholder update
what ticks on `update_posted` ("update")."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals.models import Action, ActionState
from app.approvals.policy import Category
from app.playbooks import checklist
from app.playbooks.book import TickEvent


async def after_decision(session: AsyncSession, action: Action, *, by: str, at: datetime) -> None:
    """A decision settled `action`: when it is approved, tick what its approval ticks."""
    if action.state != ActionState.APPROVED:
        return
    events = [TickEvent.ACTION_APPROVED]
    if action.category == Category.PUBLIC_STATEMENT:
        events.append(TickEvent.STATEMENT_APPROVED)
    for event in events:
        await checklist.tick(
            session, incident_id=action.incident_id, event=event, by=by, at=at, subject=action.ref
        )


async def after_update(session: AsyncSession, incident_id: int, *, by: str, at: datetime) -> None:
    """A stakeholder update was posted (only the first one finds anything left to tick)."""
    await checklist.tick(
        session, incident_id=incident_id, event=TickEvent.UPDATE_POSTED, by=by, at=at
    )
