"""Opening an incident end to end, and keeping its pinned brief current."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals import queries as action_queries
from app.errors import NotAnIncidentChannel, SlackFailure
from app.flows.access import viewer
from app.flows.deps import Deps
from app.incidents import closure, hold
from app.incidents import service as incidents
from app.incidents.models import Incident, Kind, Severity
from app.incidents.naming import channel_name
from app.roles import service as roles
from app.roles.models import Role
from app.slack.blocks.brief import BriefFacts, brief_blocks, brief_text
from app.slack.blocks.text import safe
from app.slack.gateway import CreatedChannel, InviteFailure

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpenRequest:
    title: str
    opened_by: str
    severity: Severity = Severity.SEV2
    kind: Kind = Kind.CRISIS
    summary: str = ""
    invitees: tuple[str, ...] = ()


@dataclass
class OpenOutcome:
    incident: Incident
    channel: CreatedChannel
    invited: list[str]
    not_invited: list[InviteFailure]
    warnings: list[str] = field(default_factory=list)


async def open_incident(deps: Deps, request: OpenRequest) -> OpenOutcome:
    now = deps.clock.now()
    channel = await deps.slack.create_private_channel(
        lambda attempt: channel_name(now.date(), request.title, attempt=attempt),
        adoptable=lambda channel_id: _unrecorded(deps, channel_id),
    )
    cadence = deps.settings.cadence_minutes(request.severity) * 60
    async with deps.db.begin() as session:
        incident = await incidents.create(
            session,
            title=request.title,
            severity=request.severity,
            kind=request.kind,
            summary=request.summary,
            channel_id=channel.id,
            channel_name=channel.name,
            opened_by=request.opened_by,
            opened_at=now,
            cadence_seconds=cadence,
        )
        holders = await roles.holders(session)
    people = [request.opened_by, *roles.everyone(holders), *request.invitees]
    people = [p for p in dict.fromkeys(people) if p != deps.slack.bot_user_id]
    failures = await deps.slack.invite(channel.id, people)
    outcome = OpenOutcome(incident, channel, people, failures)
    await _describe(deps, outcome)
    await _post_brief(deps, incident, holders, outcome)
    deps.home.touch()
    return outcome


async def _unrecorded(deps: Deps, channel_id: str) -> bool:
    """No incident has this channel: an earlier open made it, but its answer was lost."""
    async with deps.db() as session:
        return await incidents.by_channel(session, channel_id) is None


def topic_for(incident: Incident) -> str:
    head = f"{incident.ref} · {incident.severity} · {incident.status} · "
    return head + safe(incident.title, 250 - len(head))


async def _describe(deps: Deps, outcome: OpenOutcome) -> None:
    incident = outcome.incident
    head = "" if incident.summary else f"War room for {incident.ref}: "
    purpose = head + safe(incident.summary or incident.title, 250 - len(head))
    try:
        await deps.slack.describe_channel(
            outcome.channel.id, topic=topic_for(incident), purpose=purpose
        )
    except SlackFailure as failure:
        outcome.warnings.append(failure.message)


async def _post_brief(
    deps: Deps, incident: Incident, holders: dict[Role, list[str]], outcome: OpenOutcome
) -> None:
    facts = BriefFacts(incident=incident, holders=holders)
    ts = await deps.slack.post(
        incident.channel_id, text=brief_text(incident), blocks=brief_blocks(facts)
    )
    async with deps.db.begin() as session:
        fresh = await incidents.get(session, incident.id or 0)
        assert fresh is not None
        await incidents.set_brief(session, fresh, ts=ts)
    incident.brief_ts = ts
    try:
        await deps.slack.pin(incident.channel_id, ts)
    except SlackFailure as failure:
        outcome.warnings.append(failure.message)


async def refresh_brief(deps: Deps, incident_id: int) -> None:
    """Edit the pinned brief in place so it shows the incident as it is now."""
    async with deps.db.begin() as session:
        facts = await brief_facts(session, incident_id)
    await show_brief(deps, facts)


async def brief_facts(
    session: AsyncSession,
    incident_id: int,
    *,
    holders: Mapping[Role, Sequence[str]] | None = None,
) -> BriefFacts | None:
    """What the brief shows, read in the caller's session (`holders` when read already);
    None when there is no brief to edit."""
    incident = await incidents.get(session, incident_id)
    if incident is None or incident.brief_ts is None:
        return None
    if await closure.is_archived(session, incident_id):
        return None  # an archived war room's brief stays as it was when the room closed
    counts = await action_queries.counts(session, incident_id)
    holders = holders or await roles.holders(session)
    held = await hold.current(session, incident_id)
    return BriefFacts(incident=incident, holders=holders, action_counts=counts, legal_hold=held)


async def show_brief(deps: Deps, facts: BriefFacts | None) -> None:
    """Edit the pinned brief in place to show `facts` (from `brief_facts`)."""
    if facts is None:
        return
    incident = facts.incident
    assert incident.brief_ts is not None
    await deps.slack.update(
        incident.channel_id,
        incident.brief_ts,
        text=brief_text(incident),
        blocks=brief_blocks(facts),
    )
    deps.home.touch()


async def incident_here(deps: Deps, channel_id: str, *, user_id: str) -> Incident:
    """The incident whose war room this is, or a refusal that names the open ones `user_id`
    may see (and only those)."""
    async with deps.db() as session:
        incident = await incidents.by_channel(session, channel_id)
        active = [] if incident else await incidents.active(session)
    if incident is not None:
        return incident
    if not active:
        raise NotAnIncidentChannel("That only works inside a war room. No incident is open.")
    shown = (await viewer(deps, user_id)).visible(active)
    rooms = ", ".join(f"{i.ref} <#{i.channel_id}>" for i in shown[:10])
    if not rooms:
        raise NotAnIncidentChannel(
            "That only works inside a war room, and you are not in any open war room."
        )
    raise NotAnIncidentChannel(
        f"That only works inside a war room. Open incidents: {rooms}.", mrkdwn=True
    )
