"""Metrics by hand: `/crisis metric …` in a war room, and the update form's "Key metrics".

Anyone in the war room may add a point (its members are the team). A resolved incident takes
no new points, like any other change: its record shows what was known while it was open, and
`/crisis reopen` comes first. Making or ending the hook's feed keys is for the lead, Social and
admins, since a key lets an outside tool write into the record.
"""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block
from sqlmodel.ext.asyncio.session import AsyncSession

from app.errors import BadCommand, NotAuthorized
from app.flows import metric_brief
from app.flows.access import is_admin
from app.flows.deps import Deps
from app.incidents import closure
from app.incidents.models import Incident
from app.metrics import feeds, service
from app.metrics.keys import feed_secret
from app.metrics.lines import changed, parse_lines, prefill
from app.metrics.service import Stored
from app.metrics.values import PointIn
from app.roles import service as roles
from app.roles.models import Role
from app.slack.blocks import metrics_text
from app.slack.blocks.text import mentions
from app.slack.commands.grammar import RecordMetric
from app.slack.teams import team_of
from app.updates.models import METRICS_MAX

MAY_FEED = (Role.LEAD, Role.SOCIAL)
HOOK_OFF = (
    "The metrics hook is off: an admin sets CRISIS_METRICS_SECRET (see the README, "
    f"“{metrics_text.README_SECTION}”), then `/crisis metric feed` makes a key."
)


async def record(deps: Deps, incident: Incident, parsed: RecordMetric, *, by: str) -> str:
    """Store one point at now from `by`; the line says it and how it moved since the last."""
    incident_id, now = incident.id or 0, deps.clock.now()
    point = PointIn(
        metric=parsed.metric, value=parsed.value, at=now, unit=parsed.unit, source=parsed.source
    )
    async with deps.db.begin() as session:
        await closure.lock_open(session, incident_id, doing="record a metric")
        before = await service.latest_of(session, incident_id, parsed.metric)
        stored = await service.record_points(
            session, incident_id=incident_id, points=[point], by=by, now=now
        )
        await metric_brief.want_brief(session, incident_id)
    if not stored.points:
        return metrics_text.duplicate_line(point, now)
    await metric_brief.show_brief(deps, incident_id)
    return metrics_text.recorded_line(stored.points[0], before[0] if before else None, now=now)


async def listing(deps: Deps, incident: Incident) -> tuple[str, list[Block]]:
    async with deps.db() as session:
        latest = await service.latest(session, incident.id or 0)
    text = f"Key metrics in {incident.ref}"
    return text, metrics_text.listing(incident.ref, latest, deps.clock.now())


async def create_feed(deps: Deps, incident: Incident, *, by: str) -> tuple[str, list[Block]]:
    """A new per-incident key for the hook, its secret shown once to `by` and never stored."""
    await ensure_may_feed(deps, incident, by)
    install = deps.settings.metrics_secret
    if install is None:
        raise BadCommand(HOOK_OFF)
    incident_id, now = incident.id or 0, deps.clock.now()
    async with deps.db.begin() as session:
        await closure.lock_open(session, incident_id, doing="add a metrics feed")
        feed = await feeds.create_feed(session, incident_id=incident_id, by=by, now=now)
        others = len(await feeds.active_feeds(session, incident_id)) - 1
    secret = feed_secret(install.get_secret_value(), feed.key_id)
    text = f"A metrics feed key for {incident.ref} (shown once)"
    return text, metrics_text.feed_created(incident.ref, feed.key_id, secret, others)


async def revoke_feeds(deps: Deps, incident: Incident, *, by: str) -> str:
    """End every key of the incident; allowed after it is resolved too (ending is safe)."""
    await ensure_may_feed(deps, incident, by)
    async with deps.db.begin() as session:
        ended = await feeds.revoke_feeds(
            session, incident_id=incident.id or 0, by=by, now=deps.clock.now()
        )
    return metrics_text.revoked_line(incident.ref, ended)


async def ensure_may_feed(deps: Deps, incident: Incident, user_id: str) -> None:
    async with deps.db() as session:
        holders = await roles.holders(session, team=team_of(incident, deps.slack))
    allowed = list(dict.fromkeys(person for role in MAY_FEED for person in holders[role]))
    if user_id in allowed or await is_admin(deps, user_id):
        return
    raise NotAuthorized(
        "Only the incident lead, Social or a Crisis Room admin can make or end metrics feed "
        f"keys. Ask {mentions(allowed, empty='an admin')}.",
        mrkdwn=True,
    )


async def key_metrics_prefill(deps: Deps, incident_id: int) -> str:
    """The update form's Key metrics: one line per metric, from its latest value."""
    async with deps.db() as session:
        latest = await service.latest(session, incident_id)
    return prefill(latest, METRICS_MAX)


async def record_form_lines(
    session: AsyncSession, *, incident_id: int, text: str, by: str, at: datetime
) -> Stored:
    """In the update's own transaction: each Key metrics line that reads as `name: value
    [source]` and says something new becomes a point at the update's time. Other lines are
    the update's text only."""
    lines = parse_lines(text)
    if not lines:
        return Stored(points=[], duplicates=0)
    latest = await service.latest(session, incident_id)
    newest = {name: points[0] for name, points in latest.items()}
    points = [
        PointIn(metric=line.metric, value=line.value, at=at, unit=line.unit, source=line.source)
        for line in lines
        if changed(line, newest.get(line.metric))
    ]
    return await service.record_points(
        session, incident_id=incident_id, points=points, by=by, now=at
    )
