"""An incident's checklist: stored at open, ticked by events (the caller owns the transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.audit.service import audit
from app.playbooks.book import ChecklistEntry, TickEvent
from app.playbooks.models import ChecklistItem
from app.store.workspace import Workspace, stamp


def store(
    session: AsyncSession,
    incident_id: int,
    entries: Sequence[ChecklistEntry],
    *,
    team: Workspace | None = None,
) -> None:
    """The playbook's checklist, as the incident's own rows (of its workspace, `team`)."""
    for position, entry in enumerate(entries):
        item = ChecklistItem(
            incident_id=incident_id,
            step=entry.step.value,
            position=position,
            label=entry.label,
            ticks_on=entry.ticks_on.value if entry.ticks_on else None,
        )
        stamp(item, team)
        session.add(item)


async def items(session: AsyncSession, incident_id: int) -> list[ChecklistItem]:
    query = (
        select(ChecklistItem)
        .where(ChecklistItem.incident_id == incident_id)
        .order_by(col(ChecklistItem.position))
    )
    return list((await session.exec(query)).all())


async def tick(
    session: AsyncSession,
    *,
    incident_id: int,
    event: TickEvent,
    by: str,
    at: datetime,
    subject: str = "",
) -> list[ChecklistItem]:
    """Tick every item of the incident still open that `event` ticks; the ones ticked now."""
    query = select(ChecklistItem).where(
        ChecklistItem.incident_id == incident_id,
        ChecklistItem.ticks_on == event.value,
        col(ChecklistItem.ticked_at).is_(None),
    )
    ticked = list((await session.exec(query)).all())
    for item in ticked:
        item.ticked_at, item.ticked_by, item.ticked_for = at, by, subject or None
        session.add(item)
        audit(
            session,
            at=at,
            actor=by,
            action="checklist.tick",
            incident_id=incident_id,
            step=item.step,
            event=event.value,
            subject=subject,
        )
    return ticked
