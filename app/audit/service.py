"""Writing to the audit trail, inside the caller's transaction.

The legal record copies each row when it is flushed: see app/record/hook.py, connected by
the composition root."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.audit.models import AuditEntry


def audit(
    session: AsyncSession,
    *,
    at: datetime,
    actor: str,
    action: str,
    incident_id: int | None = None,
    **detail: Any,
) -> AuditEntry:
    entry = AuditEntry(incident_id=incident_id, at=at, actor=actor, action=action, detail=detail)
    session.add(entry)
    return entry


async def trail(session: AsyncSession, *, incident_id: int | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)  # type: ignore[arg-type]
    if incident_id is not None:
        query = query.where(AuditEntry.incident_id == incident_id)
    return list((await session.exec(query)).all())
