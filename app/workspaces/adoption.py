"""Rows written before rows had a team are adopted into the installed workspace (issue 16).

Migration 0021 added `team_id` and `enterprise_id` without a default: it cannot ask Slack which
workspace it is in. At start, once auth.test has named it, every row still without a team is
given the installed one, in the caller's transaction, with one audit entry counting what each
table adopted. Once nothing is left without a team it changes nothing and writes nothing: it
only reads (one look per table), so a bot on a read-only database still starts and says so.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import exists
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals.models import Action
from app.approvals.reminders import ApprovalReminder
from app.audit.service import audit
from app.incidents.models import Incident
from app.library.models import LibraryEntry
from app.outbox.models import OutboxRow
from app.playbooks.models import ChecklistItem
from app.roles.models import RoleAssignment
from app.store.workspace import Workspace
from app.updates.models import Reminder

AUDIT_ACTION = "workspace.adopt"
# Every table of rows a workspace owns (record entries belong to their incident's workspace:
# the record is append-only, so its rows could not be adopted).
OWNED: tuple[type[Any], ...] = (
    Incident,
    RoleAssignment,
    Action,
    Reminder,
    ApprovalReminder,
    LibraryEntry,
    ChecklistItem,
    OutboxRow,
)


async def adopt_teamless(
    session: AsyncSession, *, team: Workspace, by: str, at: datetime
) -> dict[str, int]:
    """Give every row without a team to `team`; returns how many rows each table adopted
    (tables with none left out) and audits them as one entry by `by`, if there were any."""
    adopted: dict[str, int] = {}
    for model in await teamless(session):
        done = await session.exec(
            update(model)
            .where(col(model.team_id).is_(None))
            .values(team_id=team.team_id, enterprise_id=team.enterprise_id)
        )
        if done.rowcount:
            adopted[model.__tablename__] = int(done.rowcount)
    if adopted:
        audit(
            session,
            at=at,
            actor=by,
            action=AUDIT_ACTION,
            team_id=team.team_id,
            enterprise_id=team.enterprise_id,
            adopted=adopted,
        )
    return adopted


async def teamless(session: AsyncSession) -> list[type[Any]]:
    """The tables that still hold a row without a team (a read, one small look each)."""
    found = []
    for model in OWNED:
        query = select(exists().where(col(model.team_id).is_(None)))
        if (await session.exec(query)).one():
            found.append(model)
    return found
