"""Proposing, deciding, revising and finishing actions: the database first, then Slack.

One unit of work per request: who may see what is asked of Slack first (a decision needs no
database read for it: its transaction checks the action is in one of the person's war rooms);
then the change is made in one transaction, which also reads what the card, the thread reply
and the brief show afterwards (the role holders once, after the action's lock); then Slack is
told, with the card's in-process lock held so this process writes its versions in order.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals import gates, queries, rules, service, variants
from app.approvals.errors import AlreadyDecided
from app.approvals.forms import DecisionValue, DoneForm, ProposeForm, ReasonForm, ReviseForm
from app.approvals.models import Action, ActionState, Approval, Decision, DecisionState
from app.approvals.reminders import asked_as_backup
from app.approvals.wording import already_decided, not_pending, stale_revision
from app.flows import cards, playbook_ticks
from app.flows.access import ensure_incident_visible, viewer
from app.flows.action_access import ensure_action_visible
from app.flows.deps import Deps
from app.flows.incidents import brief_facts, show_brief
from app.flows.outbox_render import Brief
from app.incidents import closure
from app.incidents.models import Incident
from app.incidents.rules import IncidentClosed
from app.incidents.visibility import Viewer
from app.roles import service as roles
from app.roles.models import Role
from app.slack.blocks.approvals.replies import outcome_reply, revision_diff
from app.slack.blocks.approvals.variants import variants_diff
from app.slack.blocks.text import mentions, safe
from app.slack.teams import team_of


@dataclass(frozen=True)
class Changed:
    """What one change's transaction read for Slack: the card, and the brief when it moved."""

    shown: cards.Rendered
    brief: Brief | None = None
    settled: bool = False  # a decision that settled the action (approved, rejected, changes)


async def ensure_proposable(deps: Deps, incident: Incident) -> None:
    """Before the form opens: a closed incident takes no proposals (checked again at submit)."""
    async with deps.db() as session:
        await closure.ensure_open(session, incident, doing="propose an action")


async def propose(deps: Deps, form: ProposeForm, *, by: str) -> Action:
    # (checked again at submit: the form was opened in the room, but people can leave it)
    await ensure_incident_visible(deps, form.incident_id, by)
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
            library=form.library,
            variants=form.variants,
        )
        assert action.id is not None
        changed = await _read_after(deps, session, action)
    await cards.publish(deps, action.id, changed.shown)
    await show_brief(deps, changed.brief)
    return action


async def check_decision(deps: Deps, value: DecisionValue, decision: Decision, by: str) -> str:
    """Refuse at the click what the decision would refuse, before asking for a reason."""
    await ensure_action_visible(deps, value.action_id, by)
    try:
        async with deps.db() as session:
            action = await queries.require(session, value.action_id)
            team = team_of(action, deps.slack)
            by_roles = rules.held_by(await roles.holders(session, team=team), by)
            by_roles |= await asked_as_backup(session, value.action_id, by)
            approvals = await queries.current_approvals(session, action)
            await gates.ensure_open_for(session, action, doing=f"{decision.verb} {action.ref}")
            _check_clickable(action, approvals, value, by_roles=by_roles, decision=decision)
            await gates.check_author(session, action, by=by, decision=decision, policy=deps.policy)
    except (AlreadyDecided, IncidentClosed):
        await cards.sync(deps, value.action_id)
        raise
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
    """What `by` may see (Slack only: their war rooms, or what they oversee as an admin),
    then one transaction (the action must be in a war room they may see; the decision,
    authorised by the role holders read after the action's lock; everything shown after it),
    then Slack."""
    sees = await viewer(deps, by)
    async with deps.card_locks(value.action_id):
        try:
            changed = await _record_decision(deps, value, decision, by=by, reason=reason, sees=sees)
        except (AlreadyDecided, IncidentClosed):
            stale = await cards.refresh(deps, value.action_id)  # the clicked copy was old
            deps.home.touch(stale.concerned)
            raise
        shown = await cards.settle(deps, changed.shown)
        announced = await _announce_outcome(deps, replace(changed, shown=shown))
        if announced is not shown:  # a copy was added for the proposer
            shown = await cards.settle(deps, announced)
    deps.home.touch(shown.concerned)
    await show_brief(deps, changed.brief)


async def _record_decision(
    deps: Deps,
    value: DecisionValue,
    decision: Decision,
    *,
    by: str,
    reason: str | None,
    sees: Viewer,
) -> Changed:
    async with deps.db.begin() as session:
        result = await service.decide(
            session,
            action_id=value.action_id,
            revision=value.revision,
            role=value.role,
            decision=decision,
            by=by,
            reason=reason,
            at=deps.clock.now(),
            policy=deps.policy,
            viewer=sees,
        )
        shown = await cards.read_card(
            session, value.action_id, policy=deps.policy, holders=result.holders
        )
        if not result.outcome_changed:
            return Changed(shown)
        await playbook_ticks.after_decision(session, result.action, by=by, at=deps.clock.now())
        brief = await brief_facts(session, result.action.incident_id, holders=result.holders)
    return Changed(shown, brief, settled=True)


async def _announce_outcome(deps: Deps, changed: Changed) -> cards.Rendered:
    """When the decision settled the action: the outcome under the card and, when changes are
    asked, a copy of the card for the proposer."""
    shown = changed.shown
    if not changed.settled:
        return shown
    action = shown.card.action
    outcome = f"outcome:{action.ref}:r{action.revision}:{action.state}"
    await cards.thread_reply(
        deps, shown.action_id, outcome_reply(shown.card), shown.copies, effect=outcome
    )
    if action.state == ActionState.CHANGES_REQUESTED:
        shown = await cards.add_dm_copy(deps, shown, action.proposer)
    return shown


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
    async with deps.card_locks(form.action_id):
        async with deps.db.begin() as session:
            action = await service.revise(
                session,
                action_id=form.action_id,
                title=form.title,
                details=form.details,
                by=by,
                at=deps.clock.now(),
                expected_revision=form.revision,
                policy=deps.policy,
                variants=form.variants,
            )
            old, new = (await queries.history(session, form.action_id))[-2:]
            old_variants = await variants.texts_of(session, form.action_id, old.revision)
            new_variants = await variants.texts_of(session, form.action_id, new.revision)
            changed = await _read_after(deps, session, action)
        shown = await cards.settle(deps, changed.shown)
        waiting = dict.fromkeys(u for users in changed.shown.members.values() for u in users)
        ask = f"\nRevision {action.revision} needs a fresh decision from {mentions(waiting)}."
        changed_variants = variants_diff(old_variants, new_variants)
        diff = revision_diff(old, new) + (f"\n{changed_variants}" if changed_variants else "") + ask
        await cards.thread_reply(
            deps,
            form.action_id,
            diff,
            changed.shown.copies,
            effect=f"revision:{action.ref}:r{action.revision}",
        )
    deps.home.touch(shown.concerned)
    await show_brief(deps, changed.brief)


async def check_finisher(deps: Deps, action_id: int, by: str) -> Action:
    await ensure_action_visible(deps, action_id, by)
    async with deps.db() as session:
        action = await queries.require(session, action_id)
        by_roles = rules.held_by(await roles.holders(session, team=team_of(action, deps.slack)), by)
        await gates.ensure_open_for(session, action, doing=f"mark {action.ref} done")
    rules.check_finishable(action, by=by, by_roles=by_roles)
    return action


async def mark_done(deps: Deps, form: DoneForm, *, by: str) -> None:
    await ensure_action_visible(deps, form.action_id, by)
    async with deps.card_locks(form.action_id):
        async with deps.db.begin() as session:
            action = await service.mark_done(
                session, action_id=form.action_id, by=by, note=form.note, at=deps.clock.now()
            )
            changed = await _read_after(deps, session, action)
        shown = await cards.settle(deps, changed.shown)
        note = f": {safe(form.note, 2000)}" if form.note else "."
        done = f":white_check_mark: {action.ref} is done, marked by <@{by}>{note}"
        await cards.thread_reply(
            deps, form.action_id, done, changed.shown.copies, effect=f"done:{action.ref}"
        )
    deps.home.touch(shown.concerned)
    await show_brief(deps, changed.brief)


async def _read_after(deps: Deps, session: AsyncSession, action: Action) -> Changed:
    """In the change's transaction, after the change: the card and the brief (the role
    holders of the action's workspace read once for both)."""
    holders = await roles.holders(session, team=team_of(action, deps.slack))
    action_id, incident_id = action.id or 0, action.incident_id
    shown = await cards.read_card(session, action_id, policy=deps.policy, holders=holders)
    return Changed(shown, await brief_facts(session, incident_id, holders=holders))
