"""Reading actions, their approvals and their posted cards (no writes except card copies)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals.models import (
    Action,
    ActionRevision,
    ActionState,
    Approval,
    CardCopy,
    CopyKind,
    DecisionState,
)
from app.approvals.variants import ActionVariant, of_revision
from app.errors import NotFound
from app.incidents.models import Incident
from app.roles.models import Role
from app.store.workspace import Workspace

FRESH = {"populate_existing": True}


@dataclass(frozen=True)
class ActionCard:
    """Everything an approval card shows: approvals are the current revision's, in policy order."""

    action: Action
    approvals: tuple[Approval, ...]
    revisions: int
    incident_ref: str
    incident_channel_id: str
    incident_title: str
    variants: tuple[ActionVariant, ...] = ()  # the current revision's, per audience


@dataclass(frozen=True)
class PendingApproval:
    """One role's decision still owed on a pending action, with where the action lives."""

    action: Action
    approval: Approval
    incident_ref: str
    incident_channel_id: str


async def get(session: AsyncSession, action_id: int) -> Action | None:
    return await session.get(Action, action_id, populate_existing=True)


async def require(session: AsyncSession, action_id: int) -> Action:
    action = await get(session, action_id)
    if action is None:
        raise NotFound(f"There is no action A-{action_id}.")
    return action


async def card_version(session: AsyncSession, action_id: int) -> int:
    """The action's card version as committed now (0 if the action is gone)."""
    query = select(Action.card_version).where(col(Action.id) == action_id)
    return int((await session.exec(query)).first() or 0)


async def current_approvals(session: AsyncSession, action: Action) -> list[Approval]:
    """The approvals for the action's current revision, in the order the policy named the roles."""
    query = (
        select(Approval)
        .where(Approval.action_id == action.id, Approval.revision == action.revision)
        .order_by(col(Approval.id))
        .execution_options(**FRESH)
    )
    return list((await session.exec(query)).all())


async def history(session: AsyncSession, action_id: int) -> list[ActionRevision]:
    """Every version of the wording, oldest (the original proposal) first."""
    query = (
        select(ActionRevision)
        .where(ActionRevision.action_id == action_id)
        .order_by(col(ActionRevision.revision))
    )
    return list((await session.exec(query)).all())


async def card(session: AsyncSession, action_id: int) -> ActionCard:
    action = await require(session, action_id)
    incident = await session.get(Incident, action.incident_id)
    if incident is None:
        raise NotFound(f"A-{action_id} belongs to an incident that no longer exists.")
    count = (
        await session.exec(select(func.count()).where(col(ActionRevision.action_id) == action_id))
    ).one()
    return ActionCard(
        action=action,
        approvals=tuple(await current_approvals(session, action)),
        revisions=int(count),
        incident_ref=incident.ref,
        incident_channel_id=incident.channel_id,
        incident_title=incident.title,
        variants=tuple(await of_revision(session, action_id, action.revision)),
    )


async def list_actions(session: AsyncSession, incident_id: int) -> list[Action]:
    query = select(Action).where(Action.incident_id == incident_id).order_by(col(Action.id))
    return list((await session.exec(query)).all())


async def counts(session: AsyncSession, incident_id: int) -> dict[ActionState, int]:
    """How many of the incident's actions are in each state (every state present, maybe 0)."""
    query = (
        select(Action.state, func.count())
        .where(Action.incident_id == incident_id)
        .group_by(Action.state)
    )
    result = dict.fromkeys(ActionState, 0)
    for state, number in (await session.exec(query)).all():
        result[cast(ActionState, state)] = int(number)  # loads as ActionState; select() says str
    return result


async def add_copy(
    session: AsyncSession, action_id: int, channel_id: str, ts: str, kind: CopyKind
) -> CardCopy:
    """Remember a posted copy of the card; posting the same message twice is harmless."""
    query = select(CardCopy).where(CardCopy.channel_id == channel_id, CardCopy.ts == ts)
    existing = (await session.exec(query)).first()
    if existing is not None:
        return existing
    copy = CardCopy(action_id=action_id, channel_id=channel_id, ts=ts, kind=CopyKind(kind))
    session.add(copy)
    await session.flush()
    return copy


async def copies(session: AsyncSession, action_id: int) -> list[CardCopy]:
    query = select(CardCopy).where(CardCopy.action_id == action_id).order_by(col(CardCopy.id))
    return list((await session.exec(query)).all())


async def pending_for_roles(session: AsyncSession, roles: Iterable[Role]) -> list[PendingApproval]:
    """Decisions still owed by any of `roles` on pending actions, across incidents, oldest first."""
    wanted = [Role(role).value for role in roles]
    if not wanted:
        return []
    query = (
        select(Action, Approval, Incident)
        .join(Approval, col(Approval.action_id) == col(Action.id))
        .join(Incident, col(Incident.id) == col(Action.incident_id))
        .where(
            col(Approval.revision) == col(Action.revision),
            col(Approval.state) == DecisionState.PENDING.value,
            col(Action.state) == ActionState.PENDING.value,
            col(Approval.role).in_(wanted),
        )
        .order_by(col(Action.id), col(Approval.id))
    )
    rows = (await session.exec(query)).all()
    return [
        PendingApproval(action, approval, incident.ref, incident.channel_id)
        for action, approval, incident in rows
    ]


async def retire_dm_copies(
    session: AsyncSession,
    *,
    channel_id: str,
    keep_for: str,
    roles_held: set[Role],
    team: Workspace,
) -> list[tuple[CardCopy, str]]:
    """Forget the card copies in one person's DM that they no longer have a part in (none of
    the card's roles held in `team`'s workspace, not its proposer or owner; cards of another
    workspace's actions are that workspace's business); returns each copy with its action
    ref."""
    ours = or_(col(Action.team_id) == team.team_id, col(Action.team_id).is_(None))
    query = (
        select(CardCopy, Action)
        .join(Action, col(Action.id) == col(CardCopy.action_id))
        .where(CardCopy.channel_id == channel_id, CardCopy.kind == CopyKind.DM.value, ours)
    )
    retired: list[tuple[CardCopy, str]] = []
    for copy, action in (await session.exec(query)).all():
        required = {a.role for a in await current_approvals(session, action)}
        if required & roles_held or keep_for in {action.proposer, action.owner}:
            continue
        await session.delete(copy)
        retired.append((copy, action.ref))
    await session.flush()
    return retired
