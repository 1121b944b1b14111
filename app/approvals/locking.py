"""Locking an action before deciding on it, and writing decisions only while still pending.

`lock_action` is the first statement of every write that can race. It is an UPDATE of the
action row that only moves its `card_version` on: on PostgreSQL it takes the row lock, so a
second approver's transaction waits at that point until the first commits and then reads what
the first wrote; on SQLite it takes the database write lock at the start of the transaction,
before any read has pinned a snapshot, so the busy timeout queues concurrent writers instead of
failing with "database is locked". Everything read after it is fresh (`populate_existing`), and
`record_decision` only writes an approval that is still pending for the current revision, so a
double-click can never count twice.

Lock order in a change's transaction: the action row, then the incident row (`gates`), then
the role holders are read (the authorising read, inside the deciding transaction), and the
record's chain head last (app/record/append.py, taken when the audit row is flushed).

Because the version moves in the same transaction as the change, versions are ordered as the
changes are: a card rendered from what a transaction read after taking version N shows at least
everything committed under versions below N (app/flows/cards.py relies on it). The same
statement's transaction asks the outbox for that version on every copy of the card
(app/outbox), so the copies' wanted version commits with the change it shows.
"""

from __future__ import annotations

from collections.abc import Set
from datetime import datetime

from sqlmodel import col, update
from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals import gates, rules
from app.approvals.models import (
    Action,
    ActionState,
    Approval,
    Decision,
    DecisionState,
)
from app.approvals.policy import ApprovalPolicy
from app.approvals.queries import current_approvals, require
from app.approvals.wording import already_decided, not_pending, stale_revision
from app.errors import NotFound
from app.incidents import service as incidents
from app.incidents.visibility import NOT_VISIBLE, Viewer
from app.outbox import service as outbox
from app.roles.models import Role


async def lock_action(session: AsyncSession, action_id: int) -> Action:
    """Lock the action row by moving its card version on, then read it fresh; every copy of
    its card now wants that version (the outbox, in this transaction)."""
    moved = await session.exec(
        update(Action)
        .where(col(Action.id) == action_id)
        .values(card_version=col(Action.card_version) + 1)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise NotFound(f"There is no action A-{action_id}.")
    action = await require(session, action_id)
    await outbox.want_card(session, action_id, version=action.card_version)
    return action


async def lock_action_in(session: AsyncSession, action_id: int, *, viewer: Viewer | None) -> Action:
    """`lock_action`, for `viewer` (None: anyone, as for the bot itself): an action in a war
    room they may not see (not a member, nor an admin over its workspace) is answered as if it
    did not exist, before any other rule can say anything about it. What `viewer` may see
    comes from Slack before this transaction."""
    try:
        action = await lock_action(session, action_id)
    except NotFound:
        if viewer is None:
            raise
        raise NotFound(NOT_VISIBLE) from None
    if viewer is not None:
        incident = await incidents.get(session, action.incident_id)
        if incident is None or not viewer.may_see(incident):
            raise NotFound(NOT_VISIBLE)
    return action


async def check_decidable(
    session: AsyncSession,
    action: Action,
    *,
    revision: int,
    role: Role,
    decision: Decision,
    by: str,
    by_roles: Set[Role],
    policy: ApprovalPolicy,
) -> Approval:
    """`role`'s approval, if `by` may still decide it: a pending action, the wording they saw,
    a role they hold, an approval not yet given, words someone else wrote."""
    if action.state != ActionState.PENDING:
        raise not_pending(action, await current_approvals(session, action))
    if revision != action.revision:
        raise stale_revision(action, revision)
    approvals = await current_approvals(session, action)
    rules.authorize_decision(approvals, role=role, by_roles=by_roles, decision=decision)
    mine = next(approval for approval in approvals if approval.role == role)
    if mine.state != DecisionState.PENDING:
        raise already_decided(mine)
    await gates.check_author(session, action, by=by, decision=decision, policy=policy)
    return mine


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
        .values(
            state=decision.result.value,
            decided_by=by,
            decided_at=at,
            reason=reason,
            next_reminder_at=None,  # decided: no reminder is owed any more
        )
        .execution_options(synchronize_session=False)
    )
    approvals = await current_approvals(session, action)
    fresh = next(approval for approval in approvals if approval.id == mine.id)
    if written.rowcount != 1:
        raise already_decided(fresh)
    return approvals, fresh
