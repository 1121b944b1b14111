"""When the approval reminder pass next looks at an approval (`Approval.next_reminder_at`).

A tick reads only approvals whose `next_reminder_at` has come (an indexed column): asking sets
it to the response time, a decision clears it (app/approvals/locking.py), and each look sets it
to the next time the approval can owe a message (`next_look`) or clears it. `take_due` leases
what it reads, as the update reminders do (app/updates/schedule.py): the column moves
`LOOK_LEASE` ahead, with `FOR UPDATE SKIP LOCKED` on PostgreSQL, so two processes never look at
the same approval at once; the claims still decide what is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel import col, update
from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals.models import Approval
from app.approvals.reminders import ApprovalReminder, ApprovalReminderKind
from app.claims.rules import STALE_AFTER, free_at
from app.store.due import take_due as leased

TAKE_LIMIT = 500
LOOK_LEASE = STALE_AFTER
# A look that could not write the lead's note (it failed before claiming) looks again soon.
AGAIN = timedelta(minutes=1)


def next_look(
    *, due_at: datetime, escalate_at: datetime, rows: Sequence[ApprovalReminder], now: datetime
) -> datetime | None:
    """The next time a waiting approval can owe a message; None once everything was sent."""
    if now < due_at:
        return due_at
    unsent = [_retry_time(row, now) for row in rows if row.sent_at is None]
    if now < escalate_at:
        return min([*unsent, escalate_at])
    told = any(row.kind == ApprovalReminderKind.LEAD and row.sent_at for row in rows)
    noted = any(row.kind == ApprovalReminderKind.LEAD for row in rows)
    if not noted:
        unsent.append(now + AGAIN)
    if told and not unsent:
        return None
    return min(unsent, default=None)


def _retry_time(row: ApprovalReminder, floor: datetime) -> datetime:
    """When an unsent row can next be claimed: its owner gone quiet, or its backoff over."""
    return free_at(row) or max(row.retry_at or floor, floor)


async def take_due(session: AsyncSession, *, now: datetime, limit: int = TAKE_LIMIT) -> list[int]:
    """Ids of approvals due at `now`, leased to the caller for `LOOK_LEASE` (commit it)."""
    due = Approval.next_reminder_at
    return await leased(session, Approval, due, now=now, lease=LOOK_LEASE, limit=limit)


async def set_next(session: AsyncSession, approval_id: int, at: datetime | None) -> None:
    """The approval's next look (None: never), unless it was decided meanwhile."""
    await session.exec(
        update(Approval)
        .where(col(Approval.id) == approval_id, col(Approval.decided_at).is_(None))
        .values(next_reminder_at=at)
        .execution_options(synchronize_session=False)
    )
