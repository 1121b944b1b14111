"""Proposing, deciding, revising and finishing actions: the database first, then Slack."""

from __future__ import annotations

from app.approvals import gates, queries, rules, service
from app.approvals.errors import AlreadyDecided
from app.approvals.models import Action, ActionState, Approval, Decision, DecisionState
from app.approvals.wording import already_decided, not_pending, stale_revision
from app.flows import cards
from app.flows.action_access import ensure_action_visible
from app.flows.deps import Deps
from app.flows.incidents import refresh_brief
from app.incidents import closure
from app.incidents.models import Incident
from app.incidents.rules import IncidentClosed
from app.roles import service as roles
from app.roles.models import Role
from app.slack.blocks.approvals.buttons import DecisionValue
from app.slack.blocks.approvals.decision_modals import DoneForm, ReasonForm, ReviseForm
from app.slack.blocks.approvals.propose_modal import ProposeForm
from app.slack.blocks.approvals.replies import outcome_reply, revision_diff
from app.slack.blocks.text import mentions, safe


async def roles_of(deps: Deps, user_id: str) -> set[Role]:
    async with deps.db() as session:
        holders = await roles.holders(session)
    return {role for role, users in holders.items() if user_id in users}


async def ensure_proposable(deps: Deps, incident: Incident) -> None:
    """Before the form opens: a closed incident takes no proposals (checked again at submit)."""
    async with deps.db() as session:
        await closure.ensure_open(session, incident, doing="propose an action")


async def propose(deps: Deps, form: ProposeForm, *, by: str) -> Action:
    async with deps.db.begin() as session:
        await closure.lock_open(session, form.incident_id, doing="propose an action")
        action = await service.propose(
            session,
            incident_id=form.incident_id,
            title=form.title,
            details=form.details,
            category=form.category,
            proposer=by,
            owner=form.owner,
            at=deps.clock.now(),
            policy=deps.policy,
        )
    assert action.id is not None
    await cards.publish(deps, action.id)
    await refresh_brief(deps, action.incident_id)
    return action


async def check_decision(deps: Deps, value: DecisionValue, decision: Decision, by: str) -> str:
    """Refuse at the click what the decision would refuse, before asking for a reason."""
    await ensure_action_visible(deps, value.action_id, by)
    by_roles = await roles_of(deps, by)
    async with deps.db() as session:
        action = await queries.require(session, value.action_id)
        approvals = await queries.current_approvals(session, action)
        try:
            await gates.ensure_open_for(session, action, doing=f"{decision.verb} {action.ref}")
            _check_clickable(action, approvals, value, by_roles=by_roles, decision=decision)
        except (AlreadyDecided, IncidentClosed):
            await cards.sync(deps, value.action_id)
            raise
        await gates.check_author(session, action, by=by, decision=decision, policy=deps.policy)
    return action.title


def _check_clickable(
    action: Action,
    approvals: list[Approval],
    value: DecisionValue,
    *,
    by_roles: set[Role],
    decision: Decision,
) -> None:
    """What the decision itself would refuse: a settled action, old wording, another's role."""
    if action.state != ActionState.PENDING:
        raise not_pending(action, approvals)
    if value.revision != action.revision:
        raise stale_revision(action, value.revision)
    rules.authorize_decision(approvals, role=value.role, by_roles=by_roles, decision=decision)
    mine = next(a for a in approvals if a.role == value.role)
    if mine.state != DecisionState.PENDING:
        raise already_decided(mine)


async def decide(
    deps: Deps, value: DecisionValue, decision: Decision, *, by: str, reason: str | None = None
) -> None:
    await ensure_action_visible(deps, value.action_id, by)
    by_roles = await roles_of(deps, by)
    try:
        async with deps.db.begin() as session:
            result = await service.decide(
                session,
                action_id=value.action_id,
                revision=value.revision,
                role=value.role,
                decision=decision,
                by=by,
                by_roles=by_roles,
                reason=reason,
                at=deps.clock.now(),
                policy=deps.policy,
            )
    except (AlreadyDecided, IncidentClosed):
        await cards.sync(deps, value.action_id)
        raise
    await cards.sync(deps, value.action_id)
    if result.outcome_changed:
        await _announce_outcome(deps, result.action)


async def _announce_outcome(deps: Deps, action: Action) -> None:
    assert action.id is not None
    async with deps.db() as session:
        card = await queries.card(session, action.id)
    await cards.thread_reply(deps, action.id, outcome_reply(card))
    if action.state == ActionState.CHANGES_REQUESTED:
        await cards.send_copy(deps, action.id, action.proposer)
    await refresh_brief(deps, action.incident_id)


async def decide_with_reason(deps: Deps, form: ReasonForm, *, by: str) -> None:
    value = DecisionValue(form.action_id, form.revision, form.role)
    await decide(deps, value, form.decision, by=by, reason=form.reason)


async def check_reviser(deps: Deps, action_id: int, by: str) -> Action:
    await ensure_action_visible(deps, action_id, by)
    async with deps.db() as session:
        action = await queries.require(session, action_id)
        await gates.ensure_open_for(session, action, doing=f"revise {action.ref}")
    rules.check_revisable(action, by=by)
    return action


async def revise(deps: Deps, form: ReviseForm, *, by: str) -> None:
    await ensure_action_visible(deps, form.action_id, by)
    async with deps.db.begin() as session:
        action = await service.revise(
            session,
            action_id=form.action_id,
            title=form.title,
            details=form.details,
            by=by,
            at=deps.clock.now(),
            expected_revision=form.revision,
        )
        old, new = (await queries.history(session, form.action_id))[-2:]
        approvals = await queries.current_approvals(session, action)
        holders = await roles.holders(session)
    await cards.sync(deps, form.action_id)
    waiting = dict.fromkeys(u for a in approvals for u in holders.get(Role(a.role), []))
    ask = f"\nRevision {action.revision} needs a fresh decision from {mentions(waiting)}."
    await cards.thread_reply(deps, form.action_id, revision_diff(old, new) + ask)
    await refresh_brief(deps, action.incident_id)


async def check_finisher(deps: Deps, action_id: int, by: str) -> Action:
    await ensure_action_visible(deps, action_id, by)
    by_roles = await roles_of(deps, by)
    async with deps.db() as session:
        action = await queries.require(session, action_id)
        await gates.ensure_open_for(session, action, doing=f"mark {action.ref} done")
    rules.check_finishable(action, by=by, by_roles=by_roles)
    return action


async def mark_done(deps: Deps, form: DoneForm, *, by: str) -> None:
    await ensure_action_visible(deps, form.action_id, by)
    by_roles = await roles_of(deps, by)
    async with deps.db.begin() as session:
        action = await service.mark_done(
            session,
            action_id=form.action_id,
            by=by,
            by_roles=by_roles,
            note=form.note,
            at=deps.clock.now(),
        )
    await cards.sync(deps, form.action_id)
    note = f": {safe(form.note, 2000)}" if form.note else "."
    done = f":white_check_mark: {action.ref} is done, marked by <@{by}>{note}"
    await cards.thread_reply(deps, form.action_id, done)
    await refresh_brief(deps, action.incident_id)
