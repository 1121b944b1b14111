"""Changing an action after its proposal: new wording (a revision), or marking it done.

Both work inside the caller's transaction and begin by locking the action row (`locking`).
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals import gates, locking, rules
from app.approvals import variants as audience_variants
from app.approvals.asking import ask
from app.approvals.models import Action, ActionState
from app.approvals.policy import ApprovalPolicy
from app.approvals.queries import current_approvals
from app.approvals.wording import not_pending, stale_revision
from app.audit.service import audit
from app.errors import BadCommand
from app.incidents.models import Incident
from app.roles.models import Role
from app.roles.service import holders as role_holders
from app.roles.service import team_of


async def revise(
    session: AsyncSession,
    *,
    action_id: int,
    title: str,
    details: str,
    by: str,
    at: datetime,
    expected_revision: int | None = None,
    policy: ApprovalPolicy,
    variants: Mapping[audience_variants.Audience, str] | None = None,
) -> Action:
    """New wording: a new revision whose approvals all start again as pending.

    `variants` are the revision's whole set per audience (None: the current set, unchanged);
    changing only a variant is a revision too.

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
    old_variants = await audience_variants.texts_of(session, action_id, action.revision)
    variants = audience_variants.checked_variants(old_variants if variants is None else variants)
    if (title, details, variants) == (action.title, action.details, old_variants):
        raise BadCommand(
            f"Nothing changed: edit the title, the wording or a variant to revise {action.ref}."
        )
    roles = [approval.role for approval in await current_approvals(session, action)]
    if action.library_unchanged:  # a library statement edited now needs the full approval
        roles = list(policy.required_roles(action.category))
        action.library_unchanged = False
    old_title, old_details = action.title, action.details
    action.revision += 1
    action.title, action.details = title, details
    action.state, action.updated_at = ActionState.PENDING, at
    session.add(action)
    incident = await session.get(Incident, action.incident_id)
    assert incident is not None
    respond = policy.response_time(action.category, incident.severity)
    ask(session, action, roles, by=by, at=at, respond=respond, variants=variants)
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
        **audience_variants.audit_facts(variants),
        **({"old_variants": {a.value: t for a, t in old_variants.items()}} if old_variants else {}),
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
        by_roles = rules.held_by(await role_holders(session, team=team_of(action)), by)
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
