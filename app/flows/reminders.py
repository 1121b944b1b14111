"""What an overdue incident is owed: one nudge per due period, then one escalation.

The nudge goes to the war room when the update is due. If the update is still missing one full
cadence after the nudge was sent, each executive gets a DM and the war room is told. Each of
those messages is its own reminder row, so each is sent exactly once (see `claims`), and
carries its effect id, so one Slack got without answering is found, not sent again
(app/flows/effects.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from slack_sdk.models.blocks import Block

from app.approvals import queries as actions
from app.approvals.models import ActionState, Approval, DecisionState
from app.flows.deps import Deps
from app.flows.reminder_delivery import deliver
from app.incidents.models import Incident
from app.roles import service as roles
from app.roles.models import Role
from app.slack.blocks.updates.reminders import (
    NudgeFacts,
    OpenItem,
    escalation_blocks,
    escalation_note,
    escalation_text,
    nudge_blocks,
    nudge_text,
)
from app.slack.teams import team_of
from app.updates import claims
from app.updates.claims import ReminderKey
from app.updates.models import Reminder, ReminderKind

STILL_OPEN = (ActionState.PENDING, ActionState.CHANGES_REQUESTED, ActionState.APPROVED)


async def remind(deps: Deps, incident: Incident) -> None:
    """Send whatever this due incident is owed now, and nothing twice."""
    if incident.id is None or incident.next_update_due is None or not incident.cadence_seconds:
        return  # resolved or paused since it was found due
    due_at = incident.next_update_due
    async with deps.db() as session:
        rows = await claims.for_period(session, incident.id, due_at)
    nudge = _find(rows, ReminderKind.NUDGE, incident.channel_id)
    if nudge is None or nudge.sent_at is None:
        await _nudge(deps, incident, due_at)
        return
    cadence = timedelta(seconds=incident.cadence_seconds or 0)
    if deps.clock.now() >= nudge.sent_at + cadence:
        await _escalate(deps, incident, due_at, nudge.sent_at, rows)


def _find(rows: Sequence[Reminder], kind: ReminderKind, recipient: str) -> Reminder | None:
    return next((r for r in rows if r.kind == kind and r.recipient == recipient), None)


def _key(incident: Incident, due_at: datetime, kind: ReminderKind, recipient: str) -> ReminderKey:
    assert incident.id is not None
    return ReminderKey(incident.id, due_at, kind, recipient)


async def _nudge(deps: Deps, incident: Incident, due_at: datetime) -> None:
    async def compose() -> tuple[str, Sequence[Block] | None]:
        facts = await nudge_facts(deps, incident)
        return nudge_text(facts), nudge_blocks(facts)

    await deliver(
        deps,
        _key(incident, due_at, ReminderKind.NUDGE, incident.channel_id),
        compose,
        action="update.nudge",
        overdue_seconds=_overdue(deps, due_at),
    )


async def nudge_facts(deps: Deps, incident: Incident) -> NudgeFacts:
    assert incident.id is not None
    now = deps.clock.now()
    async with deps.db() as session:
        holders = await roles.holders(session, team=team_of(incident, deps.slack))
        listed = await actions.list_actions(session, incident.id)
        waiting = {
            action.id: await actions.current_approvals(session, action)
            for action in listed
            if action.state == ActionState.PENDING
        }
    items = [
        OpenItem(action.ref, action.title, _waiting_on(action.state, waiting.get(action.id, [])))
        for action in listed
        if action.state in STILL_OPEN
    ]
    last = incident.last_update_at
    return NudgeFacts(
        incident=incident,
        leads=holders[Role.LEAD],
        since_update=(now - last).total_seconds() if last else None,
        since_open=(now - incident.opened_at).total_seconds(),
        open_items=items,
    )


def _waiting_on(state: str, approvals: Sequence[Approval]) -> str:
    if state == ActionState.PENDING:
        roles_owed = [a.role.label for a in approvals if a.state == DecisionState.PENDING]
        return "waiting for " + (", ".join(roles_owed) or "approval")
    if state == ActionState.CHANGES_REQUESTED:
        return "changes requested, waiting for a revision"
    return "approved, not yet done"


def _overdue(deps: Deps, due_at: datetime) -> int:
    return int((deps.clock.now() - due_at).total_seconds())


async def _escalate(
    deps: Deps, incident: Incident, due_at: datetime, nudged_at: datetime, rows: list[Reminder]
) -> None:
    note = _find(rows, ReminderKind.ESCALATION, incident.channel_id)
    async with deps.db() as session:
        holders = await roles.holders(session, team=team_of(incident, deps.slack))
    execs, leads = holders[Role.EXEC], holders[Role.LEAD]
    for user in execs:
        row = _find(rows, ReminderKind.ESCALATION, user)
        if row is None or row.sent_at is None:
            await _dm_exec(deps, incident, due_at, user, leads)
    if note is not None and note.sent_at is not None:
        return
    async with deps.db() as session:
        rows = await claims.for_period(session, incident.id or 0, due_at)
    dms = {user: _find(rows, ReminderKind.ESCALATION, user) for user in execs}
    if all(claims.settled(row) for row in dms.values()):
        reached = [user for user, row in dms.items() if row and row.sent_at]
        unreached = [user for user in execs if user not in reached]
        await _note(deps, incident, due_at, nudged_at, reached, unreached)


async def _dm_exec(
    deps: Deps, incident: Incident, due_at: datetime, user: str, leads: list[str]
) -> None:
    async def compose() -> tuple[str, Sequence[Block] | None]:
        overdue = deps.clock.now() - due_at
        blocks = escalation_blocks(
            incident, due_at=due_at, overdue=overdue.total_seconds(), leads=leads
        )
        return escalation_text(incident, overdue.total_seconds()), blocks

    await deliver(
        deps,
        _key(incident, due_at, ReminderKind.ESCALATION, user),
        compose,
        action="update.escalate",
        via="dm",
        overdue_seconds=_overdue(deps, due_at),
    )


async def _note(
    deps: Deps,
    incident: Incident,
    due_at: datetime,
    nudged_at: datetime,
    reached: list[str],
    unreached: list[str],
) -> None:
    async def compose() -> tuple[str, Sequence[Block] | None]:
        since = (deps.clock.now() - nudged_at).total_seconds()
        return escalation_note(since_nudge=since, reached=reached, unreached=unreached), None

    await deliver(
        deps,
        _key(incident, due_at, ReminderKind.ESCALATION, incident.channel_id),
        compose,
        action="update.escalate",
        via="channel",
        notified=reached,
        unreached=unreached,
        overdue_seconds=_overdue(deps, due_at),
    )
