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
from app.approvals import variants as audience_variants
from app.approvals.asking import ask
from app.approvals.errors import AlreadyDecided
from app.approvals.forms import LibraryUse
from app.approvals.guard import find_fault_phrases
from app.approvals.models import (
    Action,
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
from app.approvals.reminders import asked_as_backup
from app.approvals.revising import mark_done, revise
from app.audit.service import audit
from app.errors import NotFound
from app.incidents.models import Incident
from app.incidents.visibility import Viewer
from app.roles.models import Role
from app.roles.service import holders as role_holders
from app.roles.service import team_of

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
    library: LibraryUse | None = None,
    variants: Mapping[audience_variants.Audience, str] | None = None,
) -> Action:
    """A new pending action with one pending approval per role the policy requires (only the
    lead's, for a library statement used unchanged: its words were approved in peacetime).
    `variants`: its wording per audience, approved as one set with it."""
    title, details = rules.checked_wording(title, details)
    variants = audience_variants.checked_variants(variants)
    incident = await session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"There is no incident INC-{incident_id}.")
    category = Category(category)
    fast = library is not None and library.unchanged
    roles = (Role.LEAD,) if fast else policy.required_roles(category)
    action = Action(
        incident_id=incident_id,
        title=title,
        details=details,
        category=category,
        proposer=proposer,
        owner=owner or None,
        created_at=at,
        updated_at=at,
        team_id=incident.team_id,  # the incident's workspace
        enterprise_id=incident.enterprise_id,
    )
    if library is not None:
        action.library_version_id = library.version_id
        action.library_unchanged = library.unchanged
        action.library_origin = library.origin
    session.add(action)
    await session.flush()
    respond = policy.response_time(category, incident.severity)
    ask(session, action, roles, by=proposer, at=at, respond=respond, variants=variants)
    flagged = find_fault_phrases(f"{title}\n{details}", policy.fault_phrases)
    flagged_variants = audience_variants.flagged(variants, policy.fault_phrases)
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
        **audience_variants.audit_facts(variants, flagged_variants),
        library_version_id=action.library_version_id,
        library_unchanged=action.library_unchanged,
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
    viewer: Viewer | None = None,
) -> DecisionResult:
    """Record one role's decision on one revision, then settle the action's state.

    Refused on a closed incident and, unless the policy allows it, for the action's authors.
    Without `by_roles`, who holds which role is read here, after the action's and the
    incident's locks: the authorising read is part of the deciding transaction.
    """
    decision, role = Decision(decision), Role(role)
    reason = rules.checked_reason(reason, decision)
    action = await locking.lock_action_in(session, action_id, viewer=viewer)
    await gates.lock_open_for(session, action, doing=f"{decision.verb} {action.ref}")
    team = team_of(action)  # the action's workspace's holders decide
    holders = {} if by_roles is not None else await role_holders(session, team=team)
    if by_roles is None:  # a backup decides for the roles they were asked for
        by_roles = rules.held_by(holders, by) | await asked_as_backup(session, action_id, by)
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
