"""Locking an action before deciding on it, and writing decisions only while still pending.

`lock_action` is the first statement of every write that can race. It is a no-op UPDATE of the
action row: on PostgreSQL it takes the row lock, so a second approver's transaction waits at
that point until the first commits and then reads what the first wrote; on SQLite it takes the
database write lock at the start of the transaction, before any read has pinned a snapshot, so
the busy timeout queues concurrent writers instead of failing with "database is locked".
Everything read after it is fresh (`populate_existing`), and `record_decision` only writes an
approval that is still pending for the current revision, so a double-click can never count twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, update
from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals.models import (
    Action,
    Approval,
    Decision,
    DecisionState,
)
from app.approvals.queries import current_approvals, require
from app.approvals.wording import already_decided
from app.errors import NotFound
from app.store.locking import lock_row


async def lock_action(session: AsyncSession, action_id: int) -> Action:
    """Lock the action row with a no-op write, then read it fresh."""
    if not await lock_row(session, Action, action_id, column=Action.revision):
        raise NotFound(f"There is no action A-{action_id}.")
    return await require(session, action_id)


async def record_decision(
    session: AsyncSession,
    action: Action,
    mine: Approval,
    decision: Decision,
    *,
    by: str,
    at: datetime,
    reason: str | None,
) -> tuple[list[Approval], Approval]:
    """Write the decision only if the approval is still pending; return the fresh approvals."""
    written = await session.exec(
        update(Approval)
        .where(col(Approval.id) == mine.id, col(Approval.revision) == action.revision)
        .where(col(Approval.state) == DecisionState.PENDING.value)
        .values(state=decision.result.value, decided_by=by, decided_at=at, reason=reason)
        .execution_options(synchronize_session=False)
    )
    approvals = await current_approvals(session, action)
    fresh = next(approval for approval in approvals if approval.id == mine.id)
    if written.rowcount != 1:
        raise already_decided(fresh)
    return approvals, fresh
