"""Reading the review's figures out of the database: approvals, updates and the record."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals.models import Action, ActionRevision, Approval, DecisionState
from app.approvals.policy import Category
from app.approvals.reminders import backups_asked
from app.audit.models import AuditEntry
from app.incidents.models import Incident
from app.metrics import service as metric_service
from app.metrics.crossings import Point
from app.metrics.models import MetricPoint
from app.metrics.review_figures import MetricFigures, metric_figures, recovery_rule
from app.metrics.thresholds import MetricsPlan
from app.record.models import EntryKind, RecordEntry
from app.review.figures import (
    Decided,
    ReviewFigures,
    StallCounts,
    first_statement_after,
    turnaround,
    update_counts,
)
from app.roles.models import Role
from app.updates.models import StatusUpdate, UpdateKind

POSTS = [EntryKind.MESSAGE.value, EntryKind.REPLY.value, EntryKind.FILE.value]


async def gather_figures(
    session: AsyncSession,
    incident: Incident,
    *,
    bot_user_id: str,
    plan: MetricsPlan | None = None,
    now: datetime | None = None,
) -> ReviewFigures:
    """`plan`: the incident's playbook's metrics (its recovery rules); `now`: when a recovery
    still under way is judged (the review's time; the last point's without one)."""
    assert incident.id is not None
    decisions, statements = await _decisions(session, incident.id)
    messages, participants = await _talk(session, incident.id, bot_user_id)
    first = min((at for at, _ in statements), default=None)
    return ReviewFigures(
        to_first_statement=first_statement_after(incident.opened_at, [at for at, _ in statements]),
        turnaround=turnaround(decisions, [role.value for role in Role]),
        updates=update_counts(
            posted=await _count_updates(session, incident.id),
            nudges=await _count_audit(session, incident.id, "update.nudge"),
            escalations=await _count_escalations(session, incident.id),
        ),
        messages=messages,
        participants=participants,
        stalls=await stall_counts(session, incident.id),
        metrics=await _metrics(session, incident, first, plan or MetricsPlan(), now),
    )


async def _metrics(
    session: AsyncSession,
    incident: Incident,
    statement_at: datetime | None,
    plan: MetricsPlan,
    now: datetime | None,
) -> tuple[MetricFigures, ...]:
    """Each metric's peak and recovery, in name order."""
    by_metric: dict[str, list[MetricPoint]] = {}
    for point in await metric_service.series(session, incident.id or 0):
        by_metric.setdefault(point.metric, []).append(point)
    return tuple(
        metric_figures(
            name,
            points[-1].unit,
            [Point(point.at, point.value) for point in points],
            opened_at=incident.opened_at,
            statement_at=statement_at,
            rule=recovery_rule(plan.rules(name)),
            now=now or points[-1].at,
        )
        for name, points in by_metric.items()
    )


async def statement_approvals(
    session: AsyncSession, incident_id: int
) -> list[tuple[datetime, str]]:
    """When each public statement was approved, with its ref (A-3), oldest first: the moments
    the metric charts mark and the review measures recovery from."""
    _, statements = await _decisions(session, incident_id)
    return sorted(statements)


async def _decisions(
    session: AsyncSession, incident_id: int
) -> tuple[list[Decided], list[tuple[datetime, str]]]:
    """Every decision with when its revision was asked; when each statement was approved."""
    query = (
        select(Approval, ActionRevision, Action)
        .join(Action, col(Action.id) == Approval.action_id)
        .join(
            ActionRevision,
            (col(ActionRevision.action_id) == Approval.action_id)
            & (col(ActionRevision.revision) == Approval.revision),
        )
        .where(Action.incident_id == incident_id, col(Approval.decided_at).is_not(None))
    )
    decided: list[Decided] = []
    approved_at: dict[tuple[int, int], list[datetime]] = {}
    for approval, revision, action in (await session.exec(query)).all():
        assert approval.decided_at is not None
        decided.append(Decided(str(approval.role), revision.at, approval.decided_at))
        statement = action.category == Category.PUBLIC_STATEMENT
        if statement and approval.state == DecisionState.APPROVED:
            key = (action.id or 0, approval.revision)
            approved_at.setdefault(key, []).append(approval.decided_at)
    statements = await _statement_approvals(session, incident_id, approved_at)
    return decided, statements


async def _statement_approvals(
    session: AsyncSession, incident_id: int, approved_at: dict[tuple[int, int], list[datetime]]
) -> list[tuple[datetime, str]]:
    """A statement counts as approved when the last of its final revision's roles approved."""
    query = select(Action).where(
        Action.incident_id == incident_id,
        Action.category == Category.PUBLIC_STATEMENT,
        col(Action.state).in_(["approved", "done"]),
    )
    times = []
    for action in (await session.exec(query)).all():
        moments = approved_at.get((action.id or 0, action.revision))
        if moments:
            times.append((max(moments), action.ref))
    return times


async def _count_updates(session: AsyncSession, incident_id: int) -> int:
    query = select(func.count()).where(
        StatusUpdate.incident_id == incident_id, StatusUpdate.kind == UpdateKind.UPDATE
    )
    return int((await session.exec(query)).one())


async def _count_audit(session: AsyncSession, incident_id: int, action: str) -> int:
    query = select(func.count()).where(
        AuditEntry.incident_id == incident_id, AuditEntry.action == action
    )
    return int((await session.exec(query)).one())


async def _count_escalations(session: AsyncSession, incident_id: int) -> int:
    """One per missed period: the war-room note that says it escalated."""
    query = select(AuditEntry).where(
        AuditEntry.incident_id == incident_id, AuditEntry.action == "update.escalate"
    )
    entries = (await session.exec(query)).all()
    return sum(1 for entry in entries if entry.detail.get("via") == "channel")


async def stall_counts(session: AsyncSession, incident_id: int) -> StallCounts:
    """From the audit trail of approval reminders (app/flows/approval_reminders.py)."""
    query = select(AuditEntry).where(
        AuditEntry.incident_id == incident_id,
        col(AuditEntry.action).in_(["approval.remind", "approval.escalate"]),
    )
    entries = (await session.exec(query)).all()
    reminded = {e.detail.get("approval_id") for e in entries if e.action == "approval.remind"}
    told = {e.detail.get("approval_id") for e in entries if e.detail.get("via") == "lead"}
    asked = await backups_asked(session, incident_id)
    decided = select(Approval).join(Action, col(Action.id) == Approval.action_id)
    decided = decided.where(
        Action.incident_id == incident_id, col(Approval.decided_by).is_not(None)
    )
    used = sum(
        1
        for a in (await session.exec(decided)).all()
        if (a.action_id, str(a.role), a.decided_by) in asked
    )
    return StallCounts(len(reminded | told), len(told), len(asked), used)


async def _talk(session: AsyncSession, incident_id: int, bot_user_id: str) -> tuple[int, int]:
    """Messages people posted in the war room, and how many people posted."""
    query = select(RecordEntry.user_id).where(
        RecordEntry.incident_id == incident_id,
        col(RecordEntry.kind).in_(POSTS),
        col(RecordEntry.user_id).is_not(None),
        RecordEntry.user_id != bot_user_id,
    )
    authors = list((await session.exec(query)).all())
    return len(authors), len(set(authors))
