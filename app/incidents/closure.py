"""Reading whether an incident is closed, inside the transaction that would change it.

Archiving leaves no column: it is the `incident.archive` entry in the audit trail (append-only,
and archiving is final). `lock_open` takes the incident row's write lock first, the same lock
resolve and reopen take, so a change racing a resolve waits for it and is then refused.
"""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.audit.models import AuditEntry
from app.errors import NotFound
from app.incidents.models import Incident, Status
from app.incidents.rules import card_line, check_open
from app.store.locking import lock_row

ARCHIVE = "incident.archive"


async def is_archived(session: AsyncSession, incident_id: int) -> bool:
    """Whether the incident was archived (only a resolved incident can be)."""
    query = select(AuditEntry.id).where(
        col(AuditEntry.incident_id) == incident_id, col(AuditEntry.action) == ARCHIVE
    )
    return (await session.exec(query.limit(1))).first() is not None


async def lock_incident(session: AsyncSession, incident_id: int) -> Incident:
    """Take the incident row's write lock, then read it fresh."""
    if not await lock_row(session, Incident, incident_id, column=Incident.status):
        raise NotFound(f"There is no incident INC-{incident_id}.")
    incident = await session.get(Incident, incident_id, populate_existing=True)
    assert incident is not None
    return incident


async def ensure_open(session: AsyncSession, incident: Incident, *, doing: str = "") -> None:
    """Refuse the change when `incident` (read in this transaction) is resolved or archived."""
    check_open(incident, archived=await _archived(session, incident), doing=doing)


async def lock_open(session: AsyncSession, incident_id: int, *, doing: str = "") -> Incident:
    """Lock the incident and refuse the change unless it is open; the first write of a change."""
    incident = await lock_incident(session, incident_id)
    await ensure_open(session, incident, doing=doing)
    return incident


async def closed_card_line(session: AsyncSession, incident: Incident) -> str | None:
    """What cards of this incident say instead of buttons, or None while it is open."""
    return card_line(incident, archived=await _archived(session, incident))


async def _archived(session: AsyncSession, incident: Incident) -> bool:
    """Archiving needs a resolved incident, so an open one is never asked about."""
    if incident.status != Status.RESOLVED:
        return False
    return await is_archived(session, incident.id or 0)
