"""Ticking the checklist by hand: the steps no event ticks (assess, engage, plan, …) are ticked
and unticked by the lead, audited like the automatic ticks (the caller owns the transaction)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from app.audit.service import audit
from app.errors import BadCommand, NotAuthorized, NotFound
from app.playbooks.book import TickEvent
from app.playbooks.models import ChecklistItem
from app.roles.models import Role

BY_HAND = "by_hand"
ONLY_THE_LEAD = "Only the lead can tick the war-room checklist by hand."


def check_lead(by_roles: set[Role] | frozenset[Role]) -> None:
    if Role.LEAD not in by_roles:
        raise NotAuthorized(ONLY_THE_LEAD)


def check_hand_tickable(item: ChecklistItem) -> None:
    """A step an event ticks is ticked by that event only, so the brief never says it happened
    when it did not."""
    if item.ticks_on:
        try:
            what = TickEvent(item.ticks_on).label
        except ValueError:
            what = item.ticks_on
        raise BadCommand(f"“{item.step.capitalize()}” ticks by itself when a {what}.")


async def set_by_hand(
    session: AsyncSession,
    *,
    incident_id: int,
    step: str,
    ticked: bool,
    by: str,
    at: datetime,
) -> ChecklistItem | None:
    """Tick (or untick) one step; the item when it changed, None when it already was so."""
    item = await session.get(ChecklistItem, (incident_id, step), populate_existing=True)
    if item is None:
        raise NotFound(f"This war room's checklist has no step “{step}”.")
    check_hand_tickable(item)
    if (item.ticked_at is not None) == ticked:
        return None
    item.ticked_at, item.ticked_by = (at, by) if ticked else (None, None)
    item.ticked_for = None
    session.add(item)
    audit(
        session,
        at=at,
        actor=by,
        action="checklist.tick" if ticked else "checklist.untick",
        incident_id=incident_id,
        step=step,
        event=BY_HAND,
    )
    return item
