"""Posting updates, changing cadence and status, resolving and reopening: database, then Slack."""

from __future__ import annotations

import logging

from slack_sdk.models.blocks import Block

from app.approvals.variants import Audience, audit_facts, checked_variants
from app.errors import NotAuthorized, SlackFailure
from app.flows import (
    cards,
    metric_charts,
    metrics_manual,
    outbox_worker,
    playbook_ticks,
    update_variants,
)
from app.flows.access import ensure_incident_visible, is_admin
from app.flows.deps import Deps
from app.flows.incidents import refresh_brief
from app.incidents import closure
from app.incidents.models import Incident, Status
from app.outbox import service as outbox
from app.outbox.models import OutboxKind
from app.roles import service as roles
from app.roles.models import Role
from app.slack.blocks.text import channel_link
from app.slack.blocks.updates import lines
from app.slack.blocks.updates.posts import summary_blocks, summary_text, update_blocks, update_text
from app.slack.blocks.updates.variants import guard_blocks
from app.slack.teams import team_of
from app.update_variants import service as variant_service
from app.update_variants.models import UpdateVariant
from app.updates import service
from app.updates.forms import ResolveForm, UpdateForm
from app.updates.models import StatusUpdate

logger = logging.getLogger(__name__)

STEWARDS = (Role.LEAD, Role.EXEC)
STEWARDS_ONLY = (
    "Only the incident lead, an executive, the person who opened {ref} or a Crisis Room admin "
    "can {what}."
)


async def is_steward(deps: Deps, incident: Incident, user_id: str) -> bool:
    """Lead or exec role holders, whoever opened the incident, and admins."""
    if user_id == incident.opened_by:
        return True
    async with deps.db() as session:
        holders = await roles.holders(session, team=team_of(incident, deps.slack))
    if any(user_id in holders[role] for role in STEWARDS):
        return True
    return await is_admin(deps, user_id)


async def ensure_steward(deps: Deps, incident: Incident, user_id: str, what: str) -> None:
    if not await is_steward(deps, incident, user_id):
        raise NotAuthorized(STEWARDS_ONLY.format(ref=incident.ref, what=what))


async def post_update(deps: Deps, form: UpdateForm, *, by: str) -> StatusUpdate:
    """Store the update (and its audience variants, screened by the wording guard), post it,
    its executive summary and each variant, restart the update clock."""
    incident = await get_incident(deps, form.incident_id, by=by)
    if form.draft.status == Status.RESOLVED:  # the form only hinted; this is the check
        await ensure_steward(deps, incident, by, "resolve it")
    variants = checked_variants({Audience(k): v for k, v in form.variants.items()})
    found = update_variants.screen(deps, variants)
    now = deps.clock.now()
    async with deps.db.begin() as session:
        recorded = await service.record_update(
            session,
            incident_id=form.incident_id,
            draft=form.draft,
            by=by,
            at=now,
            audit_extra=audit_facts(variants, found),
        )
        rows = await variant_service.keep(session, recorded.posted.id or 0, variants, at=now)
        team = team_of(incident, deps.slack)
        legal = (await roles.holders(session, team=team))[Role.LEGAL] if found else []
        await playbook_ticks.after_update(session, form.incident_id, by=by, at=now)
        await metrics_manual.record_form_lines(
            session, incident_id=form.incident_id, text=form.draft.metrics, by=by, at=now
        )
    channel_ts = await _publish(deps, recorded, rows, found)
    if found:
        await update_variants.tell_legal(deps, recorded.incident, recorded.posted, found, legal)
    if recorded.incident.status == Status.RESOLVED:
        await _after_resolve(deps, recorded.incident, by)
    await refresh_brief(deps, form.incident_id)
    await metric_charts.post_update_charts(deps, form.incident_id, thread_ts=channel_ts)
    return recorded.posted


async def resolve(deps: Deps, form: ResolveForm, *, by: str) -> StatusUpdate:
    await ensure_steward(deps, await get_incident(deps, form.incident_id, by=by), by, "resolve it")
    async with deps.db.begin() as session:
        recorded = await service.resolve(
            session, incident_id=form.incident_id, summary=form.summary, by=by, at=deps.clock.now()
        )
    await _publish(deps, recorded)
    await _after_resolve(deps, recorded.incident, by)
    await refresh_brief(deps, form.incident_id)
    return recorded.posted


async def get_incident(deps: Deps, incident_id: int, *, by: str) -> Incident:
    """The incident a button or form names, if `by` may see it (nothing is revealed if not)."""
    return await ensure_incident_visible(deps, incident_id, by)


async def ensure_open(deps: Deps, incident: Incident) -> None:
    """Updates are for incidents still in progress (checked again when the form comes back)."""
    async with deps.db() as session:
        await closure.ensure_open(session, incident, doing="post an update")


async def reopen(deps: Deps, incident: Incident, *, by: str) -> Incident:
    await ensure_steward(deps, incident, by, "reopen it")
    assert incident.id is not None
    now = deps.clock.now()
    async with deps.db.begin() as session:
        incident = await service.reopen(session, incident_id=incident.id, by=by, at=now)
    await deps.slack.post(incident.channel_id, text=lines.reopened(incident, by=by, now=now))
    await _stakeholders(deps, lines.reopened(incident, by=by, now=now) + _room(incident))
    await _retopic(deps, incident)
    await refresh_brief(deps, incident.id or 0)
    await cards.sync_incident(deps, incident.id or 0)
    return incident


async def change_cadence(
    deps: Deps, incident: Incident, seconds: int | None, *, by: str
) -> Incident:
    await ensure_steward(deps, incident, by, "change the update cadence")
    assert incident.id is not None
    now = deps.clock.now()
    previous = incident.cadence_seconds
    async with deps.db.begin() as session:
        incident = await service.set_cadence(
            session, incident_id=incident.id, seconds=seconds, by=by, at=now
        )
    text = lines.cadence_changed(incident, by=by, previous=previous, now=now)
    await deps.slack.post(incident.channel_id, text=text)
    await refresh_brief(deps, incident.id or 0)
    return incident


async def change_status(deps: Deps, incident: Incident, status: Status, *, by: str) -> Incident:
    assert incident.id is not None
    async with deps.db.begin() as session:
        incident, previous = await service.set_status(
            session, incident_id=incident.id, status=status, by=by, at=deps.clock.now()
        )
    text = lines.status_changed(incident, by=by, previous=previous)
    await deps.slack.post(incident.channel_id, text=text)
    await _retopic(deps, incident)
    await refresh_brief(deps, incident.id or 0)
    return incident


async def _publish(
    deps: Deps,
    recorded: service.Recorded,
    rows: list[UpdateVariant] | None = None,
    found: dict[Audience, list[str]] | None = None,
) -> str:
    """The full update in the war room, the executive version for stakeholders (the
    executives' variant when given), then the other variants. The war-room post's ts."""
    incident, posted, rows = recorded.incident, recorded.posted, rows or []
    channel_ts = await deps.slack.post(
        incident.channel_id,
        text=update_text(incident, posted),
        blocks=update_blocks(incident, posted) + guard_blocks(found or {}),
    )
    summary_ts = None
    if not update_variants.replaces_summary(deps, rows):
        summary_ts = await _stakeholders(
            deps, summary_text(incident, posted), summary_blocks(incident, posted), room=incident
        )
    if rows:
        executives_ts = await update_variants.publish(
            deps, incident, posted, rows, thread_ts=channel_ts
        )
        summary_ts = summary_ts or executives_ts
    async with deps.db.begin() as session:
        await service.set_posted(
            session, posted.id or 0, channel_ts=channel_ts, summary_ts=summary_ts
        )
    if incident.status != recorded.previous_status:
        await _retopic(deps, incident)
    return channel_ts


def _room(incident: Incident) -> str:
    return f" War room: {channel_link(incident.channel_id)}"


async def _stakeholders(
    deps: Deps,
    text: str,
    blocks: list[Block] | None = None,
    *,
    room: Incident | None = None,
) -> str | None:
    """Post in CRISIS_STAKEHOLDER_CHANNEL when it is set; a failure is told to the war room."""
    channel = deps.settings.crisis_stakeholder_channel
    if not channel:
        return None
    try:
        return await deps.slack.post(channel, text=text, blocks=blocks)
    except SlackFailure as failure:
        logger.warning("could not post to the stakeholder channel: %s", failure.error)
        if room is not None:
            note = f":warning: The executive summary did not reach {channel_link(channel)}: "
            await deps.slack.post(room.channel_id, text=note + failure.message)
        return None


async def _retopic(deps: Deps, incident: Incident) -> None:
    """A new version of the channel topic (it shows the status), made by the outbox worker."""
    async with deps.db.begin() as session:
        await outbox.want_next(session, OutboxKind.TOPIC, subject_id=incident.id or 0)
    await outbox_worker.kick(deps, OutboxKind.TOPIC, subject_id=incident.id or 0)


async def _after_resolve(deps: Deps, incident: Incident, by: str) -> None:
    """Reminders have stopped (the database says resolved): cards lose their buttons, then
    the resolve hooks run."""
    assert incident.id is not None
    await cards.sync_incident(deps, incident.id or 0)
    for hook in deps.on_resolved:
        try:
            await hook(deps, incident.id, by)
        except Exception:
            logger.exception("a resolve hook failed for %s", incident.ref)
