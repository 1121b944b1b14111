"""Retention: which resolved incidents are past CRISIS_RETENTION_DAYS, and purging one.

A purge is the only way any of the record is deleted. In one transaction (the caller's) it
locks the incident row, checks again that it is resolved, past retention and not on hold,
writes the tombstone to the purge log, writes the grant the database's guards ask for
(migration 0009_retention), deletes every row of the incident and the stored files no other
incident names, and removes the grant. The database refuses anything less.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import Subquery, delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.audit.models import AuditEntry
from app.incidents.hold_models import LegalHold
from app.incidents.models import Incident, Status
from app.record.chain import GENESIS
from app.record.models import RecordEntry, RecordFile, RecordHead
from app.record.retention_models import PurgeGrant, PurgeLog
from app.record.retention_tables import owned_rows
from app.store.locking import lock_row

RESOLVE = "incident.resolve"


def reason_for(days: int) -> str:
    return f"retention: resolved more than {days} days ago (CRISIS_RETENTION_DAYS={days})"


def _resolved_at() -> Subquery:
    """Each incident's last resolution, from the audit trail."""
    return (
        select(
            col(AuditEntry.incident_id).label("incident_id"), func.max(AuditEntry.at).label("at")
        )
        .where(col(AuditEntry.action) == RESOLVE)
        .group_by(col(AuditEntry.incident_id))
        .subquery()
    )


async def due(session: AsyncSession, *, now: datetime, days: int) -> list[int]:
    """Resolved incidents not on hold whose last resolution is `days` or more before `now`."""
    resolved = _resolved_at()
    held = select(LegalHold.incident_id).where(col(LegalHold.incident_id) == Incident.id)
    query = (
        select(Incident.id)
        .join(resolved, resolved.c.incident_id == Incident.id)
        .where(
            col(Incident.status) == Status.RESOLVED.value,
            resolved.c.at <= now - timedelta(days=days),
            ~held.exists(),
        )
        .order_by(col(Incident.id))
    )
    return [row for row in (await session.exec(query)).all() if row is not None]


async def resolved_at(session: AsyncSession, incident_id: int) -> datetime | None:
    query = select(func.max(AuditEntry.at)).where(
        col(AuditEntry.incident_id) == incident_id, col(AuditEntry.action) == RESOLVE
    )
    return (await session.exec(query)).one()


async def purge(
    session: AsyncSession, *, incident_id: int, now: datetime, days: int
) -> PurgeLog | None:
    """Purge the incident if it is still due (None when it is not, or already gone)."""
    if not await lock_row(session, Incident, incident_id, column=Incident.status):
        return None  # another process purged it first
    incident = await session.get(Incident, incident_id, populate_existing=True)
    assert incident is not None
    resolved = await resolved_at(session, incident_id)
    if (
        incident.status != Status.RESOLVED
        or await session.get(LegalHold, incident_id) is not None
        or resolved is None
        or resolved > now - timedelta(days=days)
    ):
        return None
    files = await _files_only_here(session, incident_id)
    tombstone = await _tombstone(session, incident, resolved=resolved, now=now, days=days)
    tombstone.files_purged = len(files)
    session.add(tombstone)
    await session.flush()
    session.add(PurgeGrant(incident_id=incident_id, tombstone_id=tombstone.id or 0))
    await session.flush()
    for table, where in owned_rows(incident_id):
        await session.exec(delete(table).where(where))
    if files:
        await session.exec(delete(RecordFile).where(col(RecordFile.sha256).in_(files)))
    await session.exec(delete(PurgeGrant).where(col(PurgeGrant.incident_id) == incident_id))
    session.expunge_all()  # the deleted rows must not be flushed again
    return tombstone


async def _tombstone(
    session: AsyncSession, incident: Incident, *, resolved: datetime, now: datetime, days: int
) -> PurgeLog:
    incident_id = incident.id or 0
    head = await session.get(RecordHead, incident_id, populate_existing=True)
    count = select(func.count()).where(col(RecordEntry.incident_id) == incident_id)
    entries = int((await session.exec(count)).one())
    return PurgeLog(
        incident_id=incident_id,
        channel_id=incident.channel_id,
        title_sha256=hashlib.sha256(incident.title.encode("utf-8")).hexdigest(),
        entry_count=entries,
        final_hash=head.hash if head else GENESIS,
        files_purged=0,
        opened_at=incident.opened_at,
        resolved_at=resolved,
        purged_at=now,
        retention_days=days,
        reason=reason_for(days),
    )


async def _files_only_here(session: AsyncSession, incident_id: int) -> list[str]:
    """Stored files this incident's entries name and no other incident's entries do."""
    names = col(RecordEntry.content).contains(RecordFile.sha256)
    here = select(RecordEntry.id).where(col(RecordEntry.incident_id) == incident_id, names)
    elsewhere = select(RecordEntry.id).where(col(RecordEntry.incident_id) != incident_id, names)
    query = select(RecordFile.sha256).where(here.exists(), ~elsewhere.exists())
    return [str(sha) for sha in (await session.exec(query)).all()]


async def tombstones(session: AsyncSession) -> list[PurgeLog]:
    query = select(PurgeLog).order_by(col(PurgeLog.id))
    return list((await session.exec(query)).all())
