"""Approvals that never stall silently (issue 14): reminders at the response time, the backup
and the lead at twice it.

Each tick takes only the approvals whose `next_reminder_at` has come (indexed, leased:
app/approvals/reminders_schedule.py). For one still waiting: at its response time each holder
of the role gets a DM reminder with a link to the card; at twice the time each backup of the
role is invited to the war room and gets the card by DM (from then on the card accepts their
decision for that role), and the incident lead is told in the thread of the war-room card,
mentioned: the note sits with the card everyone in the room is looking at, and the thread keeps
the room's main stream for the crisis. Every message is its own claimed row, sent exactly once
across restarts and replicas, and audited (`approval.remind`, `approval.escalate`).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from app.approvals import queries
from app.approvals import reminders_schedule as schedule
from app.approvals.models import Action, ActionState, Approval, CopyKind
from app.approvals.reminders import (
    ESCALATE,
    REMIND,
    ApprovalReminder,
    ApprovalReminderKey,
    ApprovalReminderKind,
    rows_for,
)
from app.flows import cards
from app.flows.approval_reminders_delivery import Message, deliver
from app.flows.card_render import read_card
from app.flows.deps import Deps
from app.flows.effects import Posted
from app.incidents.models import Incident, Status
from app.roles import service as roles
from app.roles.models import Role
from app.slack.blocks.approvals.reminders import (
    Stall,
    backup_blocks,
    backup_text,
    card_link,
    lead_note,
    reminder_blocks,
    reminder_text,
)
from app.slack.teams import team_of
from app.store.workspace import Workspace

logger = logging.getLogger(__name__)

JOB_ID = "crisis-approval-reminders"
LOOK_TIMEOUT_SECONDS = 30.0
CONCURRENCY = 20
Kind = ApprovalReminderKind

__all__ = ["JOB_ID", "tick"]


@dataclass(frozen=True)
class Waiting:
    """One approval still waiting, read once for its look."""

    approval: Approval
    action: Action
    incident: Incident
    due_at: datetime
    escalate_at: datetime
    approvers: list[str]
    backups: list[str]
    leads: list[str]
    card: tuple[str, str] | None  # the war-room copy: channel, ts
    rows: list[ApprovalReminder]

    def key(self, step: int, kind: Kind, recipient: str) -> ApprovalReminderKey:
        approval = self.approval
        assert approval.id is not None
        return ApprovalReminderKey(
            approval.id, approval.action_id, approval.revision, approval.role, step, kind, recipient
        )

    def sent(self, kind: Kind, recipient: str) -> bool:
        return any(r.kind == kind and r.recipient == recipient and r.sent_at for r in self.rows)

    def stall(self, now: datetime, severity: str) -> Stall:
        asked = self.due_at - (self.escalate_at - self.due_at)
        kind = f"{severity} {self.action.category.label.lower()}"
        link = card_link(*self.card) if self.card else None
        response = (self.due_at - asked).total_seconds()
        waited = (now - asked).total_seconds()
        return Stall(
            self.action.ref, self.action.title, self.approval.role, kind, waited, response, link
        )


async def tick(deps: Deps) -> int:
    """Send every approval reminder due now; returns how many approvals were looked at."""
    async with deps.db.begin() as session:
        due = await schedule.take_due(session, now=deps.clock.now())
    gate = asyncio.Semaphore(CONCURRENCY)
    await asyncio.gather(*(_look(deps, approval_id, gate) for approval_id in due))
    return len(due)


async def _look(deps: Deps, approval_id: int, gate: asyncio.Semaphore) -> None:
    next_at: datetime | None = None
    try:
        async with gate:
            waiting = await _read(deps, approval_id)
            if waiting is not None:  # sent with its workspace's installation
                served = await deps.on(Workspace.of(waiting.incident))
                await asyncio.wait_for(_remind(served, waiting), LOOK_TIMEOUT_SECONDS)
                async with deps.db() as session:
                    rows = await rows_for(session, approval_id)
                next_at = schedule.next_look(
                    due_at=waiting.due_at,
                    escalate_at=waiting.escalate_at,
                    rows=rows,
                    now=deps.clock.now(),
                )
    except Exception:
        logger.exception("approval reminders for approval %s failed", approval_id)
        next_at = deps.clock.now() + schedule.AGAIN
    async with deps.db.begin() as session:
        await schedule.set_next(session, approval_id, next_at)


async def _read(deps: Deps, approval_id: int) -> Waiting | None:
    """The approval and what its messages need, or None when it no longer waits."""
    async with deps.db() as session:
        approval = await session.get(Approval, approval_id, populate_existing=True)
        if approval is None or approval.due_at is None or approval.decided_at is not None:
            return None
        action = await session.get(Action, approval.action_id, populate_existing=True)
        if (
            action is None
            or action.state != ActionState.PENDING
            or action.revision != approval.revision
        ):
            return None
        incident = await session.get(Incident, action.incident_id, populate_existing=True)
        if incident is None or incident.status == Status.RESOLVED:
            return None
        history = await queries.history(session, action.id or 0)
        team = team_of(incident, deps.slack)
        holders = await roles.holders(session, team=team)
        backups = await roles.backups(session, team=team)
        copies = await queries.copies(session, action.id or 0)
        rows = await rows_for(session, approval_id)
    asked_at = next((r.at for r in history if r.revision == approval.revision), approval.due_at)
    card = next(((c.channel_id, c.ts) for c in copies if c.kind == CopyKind.CHANNEL), None)
    return Waiting(
        approval,
        action,
        incident,
        approval.due_at,
        approval.due_at + (approval.due_at - asked_at),
        holders[approval.role],
        backups[approval.role],
        holders[Role.LEAD],
        card,
        rows,
    )


async def _remind(deps: Deps, waiting: Waiting) -> None:
    now = deps.clock.now()
    if now >= waiting.due_at:
        for user in waiting.approvers:
            if not waiting.sent(Kind.APPROVER, user):
                await _remind_approver(deps, waiting, user)
    if now < waiting.escalate_at:
        return
    asked, unreached = [], []
    for user in waiting.backups:
        if waiting.sent(Kind.BACKUP, user) or await _ask_backup(deps, waiting, user):
            asked.append(user)
        else:
            unreached.append(user)
    channel = waiting.incident.channel_id
    if not waiting.sent(Kind.LEAD, channel):
        await _tell_lead(deps, waiting, asked, unreached)


def _severity(waiting: Waiting) -> str:
    return waiting.incident.severity.value


async def _remind_approver(deps: Deps, waiting: Waiting, user: str) -> bool:
    async def compose() -> Message:
        stall = waiting.stall(deps.clock.now(), _severity(waiting))
        dm = await deps.slack.dm_channel(user)
        return Message(dm, reminder_text(stall), reminder_blocks(stall))

    return await deliver(
        deps,
        waiting.key(REMIND, Kind.APPROVER, user),
        compose,
        incident_id=waiting.incident.id or 0,
        action="approval.remind",
        via="dm",
    )


async def _ask_backup(deps: Deps, waiting: Waiting, user: str) -> bool:
    """The backup joins the war room (where the draft may be read) and gets the card by DM,
    kept true like every copy (an outbox row)."""
    async with deps.db() as session:
        shown = await read_card(session, waiting.action.id or 0, policy=deps.policy)

    async def compose() -> Message:
        stall = waiting.stall(deps.clock.now(), _severity(waiting))
        await deps.slack.invite(waiting.incident.channel_id, [user])
        dm = await deps.slack.dm_channel(user)
        return Message(dm, backup_text(stall), backup_blocks(stall, shown.blocks))

    async def remember(message: Message, posted: Posted) -> None:
        await cards.settle(
            deps, await cards.remember_dm_copy(deps, shown, message.channel, posted.ts)
        )

    sent = await deliver(
        deps,
        waiting.key(ESCALATE, Kind.BACKUP, user),
        compose,
        incident_id=waiting.incident.id or 0,
        action="approval.escalate",
        after=remember,
        via="backup",
    )
    if sent:
        deps.home.touch({user})
    return sent


async def _tell_lead(deps: Deps, waiting: Waiting, asked: list[str], unreached: list[str]) -> bool:
    async def compose() -> Message:
        stall = waiting.stall(deps.clock.now(), _severity(waiting))
        text = lead_note(
            stall,
            leads=waiting.leads,
            approvers=waiting.approvers,
            asked=asked,
            unreached=unreached,
        )
        channel, thread = waiting.card or (waiting.incident.channel_id, None)
        return Message(channel, text, None, thread)

    return await deliver(
        deps,
        waiting.key(ESCALATE, Kind.LEAD, waiting.incident.channel_id),
        compose,
        incident_id=waiting.incident.id or 0,
        action="approval.escalate",
        via="lead",
        leads=waiting.leads,
        backups=asked,
        unreached=unreached,
    )
