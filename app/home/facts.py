"""What one person's Home tab shows, read from the database (no Slack)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals import gates
from app.approvals import queries as approvals
from app.approvals.guard import find_fault_phrases
from app.approvals.policy import ApprovalPolicy
from app.approvals.queries import PendingApproval
from app.incidents import hold
from app.incidents import service as incidents
from app.incidents.models import Incident, Status
from app.incidents.visibility import Viewer
from app.roles import service as roles
from app.roles.models import Role
from app.store.workspace import Workspace

MAX_WAITING = 12
MAX_ACTIVE = 15
MAX_RESOLVED = 5


@dataclass(frozen=True)
class Waiting:
    pending: PendingApproval
    flagged: tuple[str, ...]


@dataclass(frozen=True)
class HomeFacts:
    user_id: str
    now: datetime
    waiting: list[Waiting]
    active: list[Incident]
    resolved: list[Incident]
    leads: list[str]
    more_waiting: int = 0
    more_active: int = 0  # visible open incidents beyond the ones shown
    more_resolved: int = 0  # visible resolved incidents beyond the ones shown
    record_links: dict[int, str] = field(default_factory=dict)
    held: set[int] = field(default_factory=set)  # incidents on legal hold


async def home_facts(
    session: AsyncSession,
    *,
    viewer: Viewer,
    now: datetime,
    policy: ApprovalPolicy,
    team: Workspace,
) -> HomeFacts:
    """What `viewer` may see: only incidents whose war room they are in (or all, for admins);
    the decisions waiting on them are those of the roles they hold in their workspace, `team`."""
    holders = await roles.holders(session, team=team)
    mine = {role for role, users in holders.items() if viewer.user_id in users}
    pending = await approvals.pending_for_roles(session, mine) if mine else []
    pending = [p for p in pending if p.action.team_id in (team.team_id, None)]
    pending = [p for p in pending if viewer.is_admin or p.incident_channel_id in viewer.rooms]
    pending = await gates.decidable(session, pending, user_id=viewer.user_id, policy=policy)
    waiting = [Waiting(p, _flagged(p, policy)) for p in pending[:MAX_WAITING]]
    active = await incidents.active_page(session, viewer=viewer, limit=MAX_ACTIVE)
    resolved = await incidents.resolved_page(session, viewer=viewer, limit=MAX_RESOLVED)
    return HomeFacts(
        user_id=viewer.user_id,
        now=now,
        waiting=waiting,
        active=active.shown,
        resolved=resolved.shown,
        leads=holders.get(Role.LEAD, []),
        more_waiting=max(0, len(pending) - MAX_WAITING),
        more_active=active.more,
        more_resolved=resolved.more,
        held=await hold.held_among(session, [i.id or 0 for i in [*active.shown, *resolved.shown]]),
    )


async def recently_resolved(
    session: AsyncSession, *, limit: int | None = MAX_RESOLVED
) -> list[Incident]:
    query = (
        select(Incident)
        .where(Incident.status == Status.RESOLVED)
        .order_by(col(Incident.id).desc())
        .limit(limit)
    )
    return list((await session.exec(query)).all())


def _flagged(pending: PendingApproval, policy: ApprovalPolicy) -> tuple[str, ...]:
    action = pending.action
    if not policy.is_guarded(action.category):
        return ()
    matches = find_fault_phrases(f"{action.title}\n{action.details}", policy.fault_phrases)
    return tuple(dict.fromkeys(match.phrase for match in matches))
