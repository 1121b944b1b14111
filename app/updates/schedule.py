"""When the reminder scheduler next looks at an incident (`Incident.next_reminder_at`).

A tick reads only incidents whose `next_reminder_at` has come (an indexed column), so an
incident that is overdue and already nudged costs nothing until its escalation is due or
someone acts. `take_due` leases what it reads (moves the column `LOOK_LEASE` ahead, with
`FOR UPDATE SKIP LOCKED` on PostgreSQL) and `reschedule` sets the real next time once the
incident's reminders have been tried. The reminder rows in `claims` still decide what is sent,
so a wrong early time only costs a look, and every look ends with `reschedule`.

Both waits are short so that a process dying mid-look costs seconds: the look lease is the
claims' `STALE_AFTER`, and a reminder claimed by another process is looked at again when that
claim would go stale (its heartbeat plus `STALE_AFTER`), not after the 5-minute lease. A live
owner keeps beating, so such a look finds the claim still held and only sets the next look.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from app.claims.rules import STALE_AFTER, free_at
from app.incidents.models import Incident, Status
from app.store.due import take_due as leased
from app.store.locking import lock_row
from app.updates import claims
from app.updates.models import Reminder, ReminderKind

TAKE_LIMIT = 500
LOOK_LEASE = STALE_AFTER


def next_look(incident: Incident, rows: Sequence[Reminder]) -> datetime | None:
    """The next time this incident's due period can owe a message; None when nothing will."""
    due = incident.next_update_due
    if incident.status == Status.RESOLVED or not incident.cadence_seconds or due is None:
        return None
    nudge = _find(rows, ReminderKind.NUDGE, incident.channel_id)
    if nudge is None:
        return due
    if nudge.sent_at is None:
        return _retry_time(nudge, due)
    escalate_at = nudge.sent_at + timedelta(seconds=incident.cadence_seconds)
    note = _find(rows, ReminderKind.ESCALATION, incident.channel_id)
    if note is None:
        return escalate_at
    if note.sent_at is None:
        return max(escalate_at, _retry_time(note, escalate_at))
    unsent = [r for r in rows if r.kind == ReminderKind.ESCALATION and r.sent_at is None]
    return min((_retry_time(r, escalate_at) for r in unsent), default=None)


def _find(rows: Sequence[Reminder], kind: ReminderKind, recipient: str) -> Reminder | None:
    return next((r for r in rows if r.kind == kind and r.recipient == recipient), None)


def _retry_time(row: Reminder, floor: datetime) -> datetime:
    """When an unsent reminder can next be claimed: its owner would have gone quiet, or its
    backoff ends."""
    return free_at(row) or row.retry_at or floor


async def take_due(session: AsyncSession, *, now: datetime, limit: int = TAKE_LIMIT) -> list[int]:
    """Ids of incidents due at `now`, leased to the caller for `LOOK_LEASE` (commit it); on
    PostgreSQL two processes never take the same incident."""
    due = Incident.next_reminder_at
    return await leased(session, Incident, due, now=now, lease=LOOK_LEASE, limit=limit)


async def adopt_unscheduled(session: AsyncSession, *, now: datetime) -> int:
    """Open incidents with no next look (changed by a release older than that column, during
    a rolling upgrade) get one now; the look sets their real time. Returns how many."""
    unscheduled = (
        col(Incident.status) != Status.RESOLVED,
        col(Incident.next_update_due).is_not(None),
        col(Incident.next_reminder_at).is_(None),
    )
    if (await session.exec(select(Incident.id).where(*unscheduled).limit(1))).first() is None:
        return 0  # (the usual case: nothing written, so a read-only database still starts)
    adopted = await session.exec(
        update(Incident)
        .where(*unscheduled)
        .values(next_reminder_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(adopted.rowcount or 0)


async def reschedule(session: AsyncSession, *, incident_id: int) -> datetime | None:
    """Set the incident's next look from its current due period (locks the incident first)."""
    if not await lock_row(session, Incident, incident_id, column=Incident.status):
        return None
    incident = await session.get(Incident, incident_id, populate_existing=True)
    assert incident is not None
    rows = []
    if incident.next_update_due is not None:
        rows = await claims.for_period(session, incident_id, incident.next_update_due)
    incident.next_reminder_at = next_look(incident, rows)
    session.add(incident)
    return incident.next_reminder_at
