"""What an incident's pinned brief and its channel topic show, read from the database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals import queries as action_queries
from app.incidents import closure, hold
from app.incidents import service as incidents
from app.incidents.models import Incident
from app.metrics import service as metrics
from app.playbooks import checklist
from app.roles import service as roles
from app.roles.models import Role
from app.slack.blocks.brief import BriefFacts
from app.slack.blocks.text import safe


def topic_for(incident: Incident) -> str:
    head = f"{incident.ref} · {incident.severity} · {incident.status} · "
    return head + safe(incident.title, 250 - len(head))


def purpose_for(incident: Incident) -> str:
    head = "" if incident.summary else f"War room for {incident.ref}: "
    return head + safe(incident.summary or incident.title, 250 - len(head))


async def read_brief(
    session: AsyncSession,
    incident: Incident,
    *,
    holders: Mapping[Role, Sequence[str]] | None = None,
) -> BriefFacts:
    """What the brief of `incident` shows, read in the caller's session."""
    counts = await action_queries.counts(session, incident.id or 0)
    holders = holders or await roles.holders(session, team=roles.team_of(incident))
    held = await hold.current(session, incident.id or 0)
    items = await checklist.items(session, incident.id or 0)
    latest = await metrics.latest(session, incident.id or 0)
    return BriefFacts(
        incident=incident,
        holders=holders,
        action_counts=counts,
        legal_hold=held,
        checklist=items,
        metrics=latest,
    )


async def editable(session: AsyncSession, incident_id: int) -> Incident | None:
    """The incident if its brief can be edited: posted, and the war room not archived (an
    archived room's brief stays as it was when the room closed)."""
    incident = await incidents.get(session, incident_id)
    if incident is None or incident.brief_ts is None:
        return None
    if await closure.is_archived(session, incident_id):
        return None
    return incident
