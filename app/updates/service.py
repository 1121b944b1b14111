"""Updates, cadence and status in the database (the caller owns the transaction).

Every write that can race begins with `lock`: a no-op UPDATE of the incident row, so on
PostgreSQL a concurrent writer waits for the first to commit, and on SQLite the database write
lock is taken before any read pins a snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.audit.service import audit
from app.errors import BadCommand, NotFound
from app.incidents import closure
from app.incidents.models import Incident, Status
from app.incidents.rules import check_open
from app.store.locking import lock_row
from app.updates.models import StatusUpdate, UpdateKind


@dataclass(frozen=True)
class Recorded:
    incident: Incident
    posted: StatusUpdate
    previous_status: Status


@dataclass(frozen=True)
class UpdateDraft:
    """What a person wrote in the update form."""

    status: Status
    changed: str
    actions: str = ""
    next_steps: str = ""
    metrics: str = ""
    next_in_seconds: int | None = None


async def lock(session: AsyncSession, incident_id: int) -> Incident:
    if not await lock_row(session, Incident, incident_id, column=Incident.status):
        raise NotFound(f"There is no incident INC-{incident_id}.")
    incident = await session.get(Incident, incident_id, populate_existing=True)
    assert incident is not None
    return incident


def next_due_from(incident: Incident, now: datetime) -> datetime | None:
    """Cadence after the last update (or the opening); never in the past; None when paused."""
    if incident.status == Status.RESOLVED or not incident.cadence_seconds:
        return None
    base = incident.last_update_at or incident.opened_at
    return max(base + timedelta(seconds=incident.cadence_seconds), now)


def _next_due(incident: Incident, draft: UpdateDraft, at: datetime) -> datetime | None:
    """The form's "next update due in", else the cadence; nothing while reminders are paused."""
    if not incident.cadence_seconds:
        return None
    return at + timedelta(seconds=draft.next_in_seconds or incident.cadence_seconds)


async def record_update(
    session: AsyncSession,
    *,
    incident_id: int,
    draft: UpdateDraft,
    by: str,
    at: datetime,
    audit_extra: Mapping[str, object] | None = None,
) -> Recorded:
    """Store the update and restart the update clock from now. `audit_extra`: more facts for
    its audit entry (the audience variants and what the wording guard found in them)."""
    incident = await lock(session, incident_id)
    await closure.ensure_open(session, incident, doing="post an update")
    previous = incident.status
    incident.status = draft.status
    incident.last_update_at = at
    resolved = draft.status == Status.RESOLVED
    incident.next_update_due = _next_due(incident, draft, at) if not resolved else None
    incident.next_reminder_at = incident.next_update_due
    kind = UpdateKind.RESOLUTION if resolved else UpdateKind.UPDATE
    posted = StatusUpdate(
        incident_id=incident_id,
        kind=kind,
        status=draft.status,
        changed=draft.changed,
        actions=draft.actions,
        next_steps=draft.next_steps,
        metrics=draft.metrics,
        next_due=incident.next_update_due,
        posted_by=by,
        posted_at=at,
    )
    session.add(posted)
    session.add(incident)
    await session.flush()
    audit(
        session,
        at=at,
        actor=by,
        action="update.post",
        incident_id=incident_id,
        update_id=posted.id,
        status=draft.status.value,
        previous_status=previous.value,
        changed=draft.changed,
        actions=draft.actions,
        next_steps=draft.next_steps,
        metrics=draft.metrics,
        next_due=_iso(incident.next_update_due),
        **(audit_extra or {}),
    )
    if resolved:
        audit(session, at=at, actor=by, action="incident.resolve", incident_id=incident_id)
    return Recorded(incident, posted, previous)


async def resolve(
    session: AsyncSession, *, incident_id: int, summary: str, by: str, at: datetime
) -> Recorded:
    """Resolve with a short summary: no more updates are due."""
    incident = await lock(session, incident_id)
    if incident.status == Status.RESOLVED:
        raise BadCommand(f"{incident.ref} is already resolved.")
    draft = UpdateDraft(status=Status.RESOLVED, changed=summary)
    return await record_update(session, incident_id=incident_id, draft=draft, by=by, at=at)


async def reopen(session: AsyncSession, *, incident_id: int, by: str, at: datetime) -> Incident:
    """Back to investigating; the next update is due one cadence from now."""
    incident = await lock(session, incident_id)
    if incident.status != Status.RESOLVED:
        raise BadCommand(f"{incident.ref} is not resolved; it is {incident.status}.")
    if await closure.is_archived(session, incident_id):
        check_open(incident, archived=True)
    incident.status = Status.INVESTIGATING
    cadence = incident.cadence_seconds
    incident.next_update_due = at + timedelta(seconds=cadence) if cadence else None
    incident.next_reminder_at = incident.next_update_due
    session.add(incident)
    audit(
        session,
        at=at,
        actor=by,
        action="incident.reopen",
        incident_id=incident_id,
        status=incident.status.value,
        next_due=_iso(incident.next_update_due),
    )
    return incident


async def set_cadence(
    session: AsyncSession, *, incident_id: int, seconds: int | None, by: str, at: datetime
) -> Incident:
    """A new cadence (None pauses reminders); the next due time is recomputed at once."""
    incident = await lock(session, incident_id)
    await closure.ensure_open(session, incident, doing="change the update cadence")
    previous = incident.cadence_seconds
    incident.cadence_seconds = seconds
    incident.next_update_due = next_due_from(incident, at)
    incident.next_reminder_at = incident.next_update_due
    session.add(incident)
    audit(
        session,
        at=at,
        actor=by,
        action="cadence.change",
        incident_id=incident_id,
        previous_seconds=previous,
        seconds=seconds,
        next_due=_iso(incident.next_update_due),
    )
    return incident


async def set_status(
    session: AsyncSession, *, incident_id: int, status: Status, by: str, at: datetime
) -> tuple[Incident, Status]:
    """Change the status without an update (resolving goes through `resolve`)."""
    incident = await lock(session, incident_id)
    await closure.ensure_open(session, incident, doing="change its status")
    previous = incident.status
    if previous == status:
        raise BadCommand(f"{incident.ref} is already {status.value}.")
    incident.status = status
    session.add(incident)
    audit(
        session,
        at=at,
        actor=by,
        action="incident.status",
        incident_id=incident_id,
        previous_status=previous.value,
        status=status.value,
    )
    return incident, previous


async def set_posted(
    session: AsyncSession, update_id: int, *, channel_ts: str | None, summary_ts: str | None
) -> None:
    posted = await session.get(StatusUpdate, update_id)
    if posted is None:
        return
    posted.channel_ts, posted.summary_ts = channel_ts, summary_ts
    session.add(posted)


async def due_incidents(session: AsyncSession, now: datetime) -> list[Incident]:
    """Open incidents the reminder scheduler must look at by `now`, soonest first (indexed)."""
    query = (
        select(Incident)
        .where(
            col(Incident.next_reminder_at).is_not(None),
            col(Incident.next_reminder_at) <= now,
        )
        .order_by(col(Incident.next_reminder_at), col(Incident.id))
        .execution_options(populate_existing=True)
    )
    return list((await session.exec(query)).all())


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
