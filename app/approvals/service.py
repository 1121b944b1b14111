"""Proposing actions, deciding on them, revising and finishing them.

Every function works inside the caller's transaction and never commits. The writes that can
race (`decide`, `revise`, `mark_done`) begin by locking the action row (see `locking`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals import gates, locking, rules
from app.approvals.errors import AlreadyDecided
from app.approvals.guard import find_fault_phrases
from app.approvals.models import (
    Action,
    ActionRevision,
    ActionState,
    Approval,
    Decision,
)
from app.approvals.policy import DEFAULT_POLICY, ApprovalPolicy, Category
from app.approvals.queries import (
    ActionCard,
    PendingApproval,
    add_copy,
    card,
    copies,
    counts,
    current_approvals,
    get,
    history,
    list_actions,
    pending_for_roles,
)
from app.approvals.wording import (
    not_pending,
    stale_revision,
)
from app.audit.service import audit
from app.errors import BadCommand, NotFound
from app.incidents.models import Incident
from app.roles.models import Role
from app.roles.service import holders as role_holders

__all__ = [
    "ActionCard",
    "AlreadyDecided",
    "DecisionResult",
    "PendingApproval",
    "add_copy",
    "card",
    "copies",
    "counts",
    "current_approvals",
    "decide",
    "get",
    "held_by",
    "history",
    "list_actions",
    "mark_done",
    "pending_for_roles",
    "propose",
    "revise",
]


@dataclass(frozen=True)
class DecisionResult:
    action: Action
    approval: Approval
    outcome_changed: bool
    # Who held each role when the decision was authorised, read in the deciding transaction
    # (empty when the caller passed `by_roles`): what the card shows is rendered from it.
    holders: Mapping[Role, Sequence[str]] = field(default_factory=dict)


async def propose(
    session: AsyncSession,
    *,
    incident_id: int,
    title: str,
    details: str,
    category: Category,
    proposer: str,
    owner: str | None,
    at: datetime,
    policy: ApprovalPolicy,
) -> Action:
    """A new pending action with one pending approval per role the policy requires."""
    title, details = rules.checked_wording(title, details)
    if await session.get(Incident, incident_id) is None:
        raise NotFound(f"There is no incident INC-{incident_id}.")
    category = Category(category)
    roles = policy.required_roles(category)
    action = Action(
        incident_id=incident_id,
        title=title,
        details=details,
        category=category,
        proposer=proposer,
        owner=owner or None,
        created_at=at,
        updated_at=at,
    )
    session.add(action)
    await session.flush()
    _ask(session, action, roles, by=proposer, at=at)
    flagged = find_fault_phrases(f"{title}\n{details}", policy.fault_phrases)
    audit(
        session,
        at=at,
        actor=proposer,
        action="action.propose",
        incident_id=incident_id,
        action_id=action.id,
        title=title,
        details=details,
        category=category.value,
        owner=action.owner,
        required_roles=[role.value for role in roles],
        wording_guard=policy.is_guarded(category),
        fault_phrases=sorted({match.phrase for match in flagged}),
    )
    await session.flush()
    return action


async def decide(
    session: AsyncSession,
    *,
    action_id: int,
    revision: int,
    role: Role,
    decision: Decision,
    by: str,
    by_roles: Set[Role] | None = None,
    reason: str | None,
    at: datetime,
    policy: ApprovalPolicy = DEFAULT_POLICY,
    rooms: Set[str] | None = None,
) -> DecisionResult:
    """Record one role's decision on one revision, then settle the action's state.

    Refused on a closed incident and, unless the policy allows it, for the action's authors.
    Without `by_roles`, who holds which role is read here, after the action's and the
    incident's locks: the authorising read is part of the deciding transaction.
    """
    decision, role = Decision(decision), Role(role)
    reason = rules.checked_reason(reason, decision)
    action = await locking.lock_action_in(session, action_id, rooms=rooms)
    await gates.lock_open_for(session, action, doing=f"{decision.verb} {action.ref}")
    holders = {} if by_roles is not None else await role_holders(session)
    if by_roles is None:
        by_roles = held_by(holders, by)
    mine = await locking.check_decidable(
        session,
        action,
        revision=revision,
        role=role,
        decision=decision,
        by=by,
        policy=policy,
        by_roles=by_roles,
    )
    approvals, mine = await locking.record_decision(
        session, action, mine, decision, by=by, at=at, reason=reason
    )
    outcome = rules.outcome(approvals)
    action.state, action.updated_at = outcome, at
    session.add(action)
    audit(
        session,
        at=at,
        actor=by,
        action="action.decide",
        incident_id=action.incident_id,
        action_id=action.id,
        role=role.value,
        decision=decision.value,
        reason=reason,
        revision=action.revision,
        state=outcome.value,
    )
    await session.flush()
    changed = outcome != ActionState.PENDING
    return DecisionResult(action, mine, outcome_changed=changed, holders=holders)


def held_by(holders: Mapping[Role, Sequence[str]], user_id: str) -> set[Role]:
    """The roles `user_id` holds."""
    return {role for role, users in holders.items() if user_id in users}


async def revise(
    session: AsyncSession,
    *,
    action_id: int,
    title: str,
    details: str,
    by: str,
    at: datetime,
    expected_revision: int | None = None,
) -> Action:
    """New wording: a new revision whose approvals all start again as pending.

    Allowed while the action is pending (the proposer fixes a typo before the outcome; any
    approvals already given are reset, since they approved other words) or after changes were
    requested. Only the proposer or the owner may revise.
    """
    title, details = rules.checked_wording(title, details)
    action = await locking.lock_action(session, action_id)
    await gates.lock_open_for(session, action, doing=f"revise {action.ref}")
    rules.check_revisable(action, by=by)
    if expected_revision is not None and expected_revision != action.revision:
        raise stale_revision(action, expected_revision)
    if (title, details) == (action.title, action.details):
        raise BadCommand(f"Nothing changed: edit the title or the wording to revise {action.ref}.")
    roles = [approval.role for approval in await current_approvals(session, action)]
    old_title, old_details = action.title, action.details
    action.revision += 1
    action.title, action.details = title, details
    action.state, action.updated_at = ActionState.PENDING, at
    session.add(action)
    _ask(session, action, roles, by=by, at=at)
    audit(
        session,
        at=at,
        actor=by,
        action="action.revise",
        incident_id=action.incident_id,
        action_id=action.id,
        revision=action.revision,
        old_title=old_title,
        old_details=old_details,
        title=title,
        details=details,
    )
    await session.flush()
    return action


async def mark_done(
    session: AsyncSession,
    *,
    action_id: int,
    by: str,
    by_roles: Set[Role] | None = None,
    note: str | None,
    at: datetime,
) -> Action:
    """Record that an approved action was carried out; only its owner or a lead may say so
    (without `by_roles`, the roles `by` holds are read here, after the locks)."""
    note = rules.checked_note(note)
    action = await locking.lock_action(session, action_id)
    await gates.lock_open_for(session, action, doing=f"mark {action.ref} done")
    if action.state == ActionState.DONE:
        raise not_pending(action, [])
    if by_roles is None:
        by_roles = held_by(await role_holders(session), by)
    rules.check_finishable(action, by=by, by_roles=by_roles)
    action.state, action.updated_at = ActionState.DONE, at
    action.done_by, action.done_at, action.done_note = by, at, note
    session.add(action)
    audit(
        session,
        at=at,
        actor=by,
        action="action.done",
        incident_id=action.incident_id,
        action_id=action.id,
        revision=action.revision,
        note=note,
    )
    await session.flush()
    return action


def _ask(
    session: AsyncSession, action: Action, roles: Sequence[Role], *, by: str, at: datetime
) -> None:
    """Keep the action's current wording as a revision and ask each role to decide on it."""
    assert action.id is not None
    session.add(
        ActionRevision(
            action_id=action.id,
            revision=action.revision,
            title=action.title,
            details=action.details,
            by=by,
            at=at,
        )
    )
    session.add_all(
        Approval(action_id=action.id, revision=action.revision, role=role) for role in roles
    )
