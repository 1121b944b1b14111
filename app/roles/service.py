"""Who holds each standing role; changes are kept with who made them and when."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.audit.service import audit
from app.roles.models import Role, RoleAssignment
from app.store.workspace import Workspace, stamp


async def holders(session: AsyncSession, *, backup: bool = False) -> dict[Role, list[str]]:
    """Who holds each role (with `backup`: who stands by as each role's backup instead)."""
    query = (
        select(RoleAssignment)
        .where(col(RoleAssignment.removed_at).is_(None), col(RoleAssignment.backup).is_(backup))
        .order_by(col(RoleAssignment.id))
    )
    result: dict[Role, list[str]] = {role: [] for role in Role}
    for row in (await session.exec(query)).all():
        result[row.role].append(row.user_id)
    return result


def everyone(by_role: dict[Role, list[str]]) -> list[str]:
    return list(dict.fromkeys(user for users in by_role.values() for user in users))


async def backups(session: AsyncSession) -> dict[Role, list[str]]:
    """Who stands by as each role's backup (asked only when an approval stalls)."""
    return await holders(session, backup=True)


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
    workspace (the request's); returns who was added."""
    current = (await holders(session))[role] + (await backups(session))[role]
    added = [user for user in users if user not in current]
    for user in added:
        row = RoleAssignment(role=role, user_id=user, assigned_by=by, assigned_at=at, backup=backup)
        stamp(row, team)
        session.add(row)
    if added:
        extra = {"backup": True} if backup else {}
        audit(session, at=at, actor=by, action="role.add", role=role.value, users=added, **extra)
    return added


async def remove(
    session: AsyncSession, *, role: Role, users: Sequence[str], by: str, at: datetime
) -> list[str]:
    """Take `role` from each user who holds it; returns who was removed."""
    query = select(RoleAssignment).where(
        RoleAssignment.role == role,
        col(RoleAssignment.user_id).in_(list(users)),
        col(RoleAssignment.removed_at).is_(None),
    )
    removed: list[str] = []
    for row in (await session.exec(query)).all():
        row.removed_at, row.removed_by = at, by
        session.add(row)
        removed.append(row.user_id)
    if removed:
        audit(session, at=at, actor=by, action="role.remove", role=role.value, users=removed)
    return removed
