"""Opening an incident end to end, and keeping its pinned brief current (through the outbox)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession

from app.errors import NotAnIncidentChannel
from app.flows import external_access, outbox_render, outbox_worker, playbook_open
from app.flows.access import viewer
from app.flows.brief_render import editable, read_brief, topic_for
from app.flows.deps import Deps
from app.flows.outbox_render import Brief
from app.incidents import service as incidents
from app.incidents.models import Incident, Kind, Severity
from app.incidents.naming import channel_name
from app.outbox import service as outbox
from app.outbox.models import OutboxKind
from app.roles import service as roles
from app.roles.models import Role
from app.slack.errors_text import explain
from app.slack.gateway import CreatedChannel, InviteFailure
from app.slack.teams import installed_team, team_of
from app.store.workspace import Workspace

__all__ = ["topic_for"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpenRequest:
    title: str
    opened_by: str
    severity: Severity = Severity.SEV2
    kind: Kind = Kind.CRISIS
    summary: str = ""
    invitees: tuple[str, ...] = ()
    crisis_kind: str | None = None  # a playbook's kind; None: the first one
    cadence_minutes: int | None = None  # None: the playbook's, else the severity's
    team: Workspace | None = None  # the request's workspace; None: the installed one


@dataclass
class OpenOutcome:
    incident: Incident
    channel: CreatedChannel
    invited: list[str]
    not_invited: list[InviteFailure]
    warnings: list[str] = field(default_factory=list)
    brief_posted: bool = False  # False: the outbox worker posts it as soon as Slack lets it


async def open_incident(deps: Deps, request: OpenRequest) -> OpenOutcome:
    """The channel (or the one a lost answer left), the incident stored with its brief and
    topic as outbox copies to make, the invites; then the worker makes the copies. Once the
    incident is stored nothing Slack does stops the opener from being told its number: a brief
    or topic Slack refused is retried by the outbox, and the answer says so."""
    now = deps.clock.now()
    plan = await playbook_open.plan(
        deps, crisis_kind=request.crisis_kind, severity=request.severity
    )
    channel = await deps.slack.create_private_channel(
        lambda attempt: channel_name(now.date(), request.title, attempt=attempt),
        adoptable=lambda channel_id: _unrecorded(deps, channel_id),
        team_id=request.team.team_id if request.team else None,  # (Grid: the workspace's)
    )
    incident, holders, proposed = await _store(deps, request, channel, plan)
    people = [request.opened_by, *roles.everyone(holders), *request.invitees, *plan.invitees]
    people = [p for p in dict.fromkeys(people) if p != deps.slack.bot_user_id]
    # A SEV1 room's outside people (Slack Connect) may wait for Legal: see external_access.
    screened = await external_access.screen(deps, incident, people)
    failures = await deps.slack.invite_everyone(channel.id, screened.admitted)
    warnings = [*plan.warnings, *screened.warnings]
    outcome = OpenOutcome(incident, channel, screened.admitted, failures, warnings)
    for kind in (OutboxKind.TOPIC, OutboxKind.BRIEF):
        await outbox_worker.kick(deps, kind, subject_id=incident.id or 0)
        await _warn_if_behind(deps, outcome, kind)
    outcome.warnings.extend(await external_access.ask_legal(deps, incident, screened))
    async with deps.db() as session:
        incident.brief_ts = await _brief_ts(session, incident.id or 0)
    outcome.brief_posted = incident.brief_ts is not None
    # The playbook's cards, once everyone is in.
    outcome.warnings.extend(await playbook_open.publish(deps, proposed))
    deps.home.touch()
    return outcome


async def _store(
    deps: Deps, request: OpenRequest, channel: CreatedChannel, plan: playbook_open.PlaybookPlan
) -> tuple[Incident, dict[Role, list[str]], list[int]]:
    """The incident with its playbook's checklist and actions, and its topic and brief
    wanted (made by the outbox worker)."""
    now = deps.clock.now()
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
            cadence_seconds=plan.cadence_seconds(deps, request.severity, request.cadence_minutes),
            crisis_kind=plan.playbook.key,
            team=request.team or installed_team(deps.slack),
        )
        for kind in (OutboxKind.TOPIC, OutboxKind.BRIEF):
            await outbox.add(
                session,
                kind,
                now=now,
                subject_id=incident.id or 0,
                channel_id=channel.id,
                team=Workspace.of(incident),
            )
        holders = await roles.holders(session, team=team_of(incident, deps.slack))
        proposed = await playbook_open.seed(session, deps, incident, plan, holders=holders)
    return incident, holders, proposed


async def _brief_ts(session: AsyncSession, incident_id: int) -> str | None:
    incident = await incidents.get(session, incident_id)
    return None if incident is None else incident.brief_ts


async def _warn_if_behind(deps: Deps, outcome: OpenOutcome, kind: OutboxKind) -> None:
    row = await outbox_worker.pending(deps, kind, outcome.incident.id or 0)
    if row is None:
        return
    what = "post and pin the brief" if kind == OutboxKind.BRIEF else "set the channel topic"
    reason = explain(row.last_error) if row.last_error else "Slack did not answer"
    outcome.warnings.append(f"I couldn't {what} yet ({reason}); I keep trying.")


async def _unrecorded(deps: Deps, channel_id: str) -> bool:
    """No incident has this channel: an earlier open made it, but its answer was lost."""
    async with deps.db() as session:
        return await incidents.by_channel(session, channel_id) is None


async def refresh_brief(deps: Deps, incident_id: int) -> None:
    """A new version of the pinned brief, made by the outbox worker now."""
    async with deps.db.begin() as session:
        await outbox.want_next(session, OutboxKind.BRIEF, subject_id=incident_id)
    await outbox_worker.kick(deps, OutboxKind.BRIEF, subject_id=incident_id)
    deps.home.touch()


async def brief_facts(
    session: AsyncSession,
    incident_id: int,
    *,
    holders: Mapping[Role, Sequence[str]] | None = None,
) -> Brief | None:
    """What the brief shows, read in the caller's (change's) transaction, which also asks the
    outbox for a new version of the brief (`show_brief` makes it after the commit); None when
    there is no brief to edit."""
    incident = await editable(session, incident_id)
    if incident is None:
        return None
    version = await outbox.want_next_one(session, OutboxKind.BRIEF, subject_id=incident_id)
    if version is None:
        return None
    return Brief(await read_brief(session, incident, holders=holders), version)


async def show_brief(deps: Deps, brief: Brief | None) -> None:
    """Bring the pinned brief up to what is stored now (after `brief_facts`' transaction; what
    it read is shown unless the brief wants a newer version by now)."""
    if brief is None:
        return
    incident_id = brief.facts.incident.id or 0
    renders = outbox_render.Renders(briefs={incident_id: brief})
    await outbox_worker.kick(deps, OutboxKind.BRIEF, subject_id=incident_id, renders=renders)
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
