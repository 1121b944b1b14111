"""Who holds each standing role; changes are kept with who made them and when.

Roles belong to a workspace (issue 16): each workspace names its own holders, and a read or a
change concerns one workspace only. An assignment without a workspace was made before issue 16
and is not adopted yet (the bot adopts every such row into its installed workspace when it
starts): until then it counts in every workspace, as incidents without one are seen by every
workspace's admins (app/incidents/service.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.audit.service import audit
from app.roles.models import Role, RoleAssignment
from app.store.workspace import Owned, Workspace, stamp

NO_TEAM = Workspace("")
"""The workspace of a row written before issue 16 and not adopted yet: it sees only the role
holders without a workspace either (flows, which know the installed workspace, use that)."""


def team_of(row: Owned) -> Workspace:
    """The workspace whose role holders decide for `row` (an incident, an action, an entry)."""
    return Workspace.of(row) or NO_TEAM


def in_team(team: Workspace | None) -> ColumnElement[bool]:
    """The assignments of `team`'s workspace (and those not adopted yet)."""
    teamless = col(RoleAssignment.team_id).is_(None)
    if team is None or not team.team_id:
        return teamless
    return or_(col(RoleAssignment.team_id) == team.team_id, teamless)


async def holders(
    session: AsyncSession, *, team: Workspace, backup: bool = False
) -> dict[Role, list[str]]:
    """Who holds each role in `team`'s workspace (with `backup`: who stands by as each role's
    backup instead)."""
    query = (
        select(RoleAssignment)
        .where(
            col(RoleAssignment.removed_at).is_(None),
            col(RoleAssignment.backup).is_(backup),
            in_team(team),
        )
        .order_by(col(RoleAssignment.id))
    )
    result: dict[Role, list[str]] = {role: [] for role in Role}
    for row in (await session.exec(query)).all():
        result[row.role].append(row.user_id)
    return result


def everyone(by_role: dict[Role, list[str]]) -> list[str]:
    return list(dict.fromkeys(user for users in by_role.values() for user in users))


async def backups(session: AsyncSession, *, team: Workspace) -> dict[Role, list[str]]:
    """Who stands by as each role's backup in `team`'s workspace (asked only when an approval
    stalls)."""
    return await holders(session, team=team, backup=True)


async def add(
    session: AsyncSession,
    *,
    role: Role,
    users: Sequence[str],
    by: str,
    at: datetime,
    backup: bool = False,
    team: Workspace | None = None,
) -> list[str]:
    """Give `role` (or its backup's place) to each user who has neither yet, in `team`'s
    workspace (the request's; None: the assignment has no workspace, as before issue 16);
    returns who was added."""
    scope = team or NO_TEAM
    current = (await holders(session, team=scope))[role] + (await backups(session, team=scope))[
        role
    ]
    added = [user for user in users if user not in current]
    for user in added:
        row = RoleAssignment(role=role, user_id=user, assigned_by=by, assigned_at=at, backup=backup)
        stamp(row, team)
        session.add(row)
    if added:
        extra = {"backup": True} if backup else {}
        audit(
            session,
            at=at,
            actor=by,
            action="role.add",
            role=role.value,
            users=added,
            **extra,
            **team_detail(team),
        )
    return added


async def remove(
    session: AsyncSession,
    *,
    role: Role,
    users: Sequence[str],
    by: str,
    at: datetime,
    team: Workspace | None = None,
) -> list[str]:
    """Take `role` from each user who holds it in `team`'s workspace (the request's; None:
    the assignments without a workspace); returns who was removed."""
    query = select(RoleAssignment).where(
        RoleAssignment.role == role,
        col(RoleAssignment.user_id).in_(list(users)),
        col(RoleAssignment.removed_at).is_(None),
        in_team(team),
    )
    removed: list[str] = []
    for row in (await session.exec(query)).all():
        row.removed_at, row.removed_by = at, by
        session.add(row)
        removed.append(row.user_id)
    if removed:
        audit(
            session,
            at=at,
            actor=by,
            action="role.remove",
            role=role.value,
            users=removed,
            **team_detail(team),
        )
    return removed


def team_detail(team: Workspace | None) -> dict[str, Any]:
    """The audit detail naming the workspace of a change made outside any incident (a role, a
    library statement): the record hook copies it only into that workspace's open incidents
    (app/record/hook.py)."""
    if team is None:
        return {}
    return {"team_id": team.team_id, "enterprise_id": team.enterprise_id}
