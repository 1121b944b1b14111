"""`POST /hooks/metrics` once its signature checked out: every point stored, or none.

The whole request is checked before anything is written: the key is still in force, every
point is well formed (app/metrics/hook_request.py), every incident it names exists and the
key may feed it. Then the points are stored as one item of the group-commit writer's batch
(app/flows/metrics_hook_store.py), sharing its commit with the message events of the moment:
each incident locked in id order, a resolved or archived one refused, so a request racing a
resolve is either stored before it or refused whole (409), never half stored. Each new point
is one entry in the incident's legal record, by "hook:<key id>", and the brief wants a new
version in the same commit (drawn by the outbox pass, not at once: a feed sending every few
seconds costs the war room one redraw a tick, not one per request).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.errors import NotFound
from app.flows import metric_brief
from app.flows.deps import Deps
from app.flows.metrics_hook_store import HookWrite, store_requests
from app.incidents.closure import lock_open
from app.incidents.models import Incident
from app.incidents.rules import IncidentClosed
from app.metrics.hook_auth import INSTALL_KEY, Refused, Signed
from app.metrics.hook_request import HookPoint, IncidentRef, by_incident, parse_points
from app.metrics.models import MetricFeed
from app.metrics.service import record_points

DOING = "record metrics"


@dataclass(frozen=True)
class Taken:
    """What a request stored: new points, points already stored, and the incidents fed."""

    stored: int
    duplicates: int
    incidents: list[int]


async def take_points(
    deps: Deps, *, signed: Signed, body: bytes, content_type: str, now: datetime
) -> Taken:
    """Check the whole request, then store it; `Refused` (nothing stored) otherwise. `now` is
    the wall clock's (the time points' `at` must not run ahead of)."""
    async with deps.db() as session:
        feed_incident = await _feed_incident(session, signed.key_id)
        points = parse_points(body, content_type, signed_at=signed.signed_at, now=now)
        found = await _incidents(session, {p.incident for p in points if p.incident})
    groups = by_incident(points, found=found, feed_incident=feed_incident)
    return await _store(deps, groups, by=signed.by)


async def _feed_incident(session: AsyncSession, key_id: str) -> int | None:
    """The incident a feed key may feed (None for the install key); 401 for a key never
    made, 403 for one revoked."""
    if key_id == INSTALL_KEY:
        return None
    feed = await session.get(MetricFeed, key_id)
    if feed is None:
        raise Refused(401, "unknown key: no feed key has this id")
    if feed.revoked_at is not None:
        raise Refused(403, "key revoked: ask the war room for a new feed key")
    return feed.incident_id


async def _incidents(session: AsyncSession, refs: set[IncidentRef]) -> dict[IncidentRef, int]:
    """Each named incident that exists, by how it was named."""
    ids = {ref.id for ref in refs if ref.id is not None}
    channels = {ref.channel for ref in refs if ref.channel is not None}
    found: dict[IncidentRef, int] = {}
    if ids:
        query = select(Incident.id).where(col(Incident.id).in_(ids))
        found |= {IncidentRef(id=n): n for n in (await session.exec(query)).all() if n}
    if channels:
        by_channel = select(Incident.channel_id, Incident.id)
        by_channel = by_channel.where(col(Incident.channel_id).in_(channels))
        rows = (await session.exec(by_channel)).all()
        found |= {IncidentRef(channel=channel): n for channel, n in rows if n}
    return found


async def _store(deps: Deps, groups: dict[int, list[HookPoint]], *, by: str) -> Taken:
    """Through the bulk group-commit writer (app/flows/metrics_hook_store.py); a request naming an
    incident that is not open comes back unstored and takes the transactional path, which
    says why it is refused."""
    points = {n: [hook_point.point for hook_point in group] for n, group in groups.items()}
    write = HookWrite(points, by=by, now=deps.clock.now())
    done = await deps.db.bulk_writer.submit(store_requests, write)
    if done is None:
        return await _store_checked(deps, groups, by=by)
    return Taken(stored=done.stored, duplicates=done.duplicates, incidents=sorted(groups))


async def _store_checked(deps: Deps, groups: dict[int, list[HookPoint]], *, by: str) -> Taken:
    stored = duplicates = 0
    async with deps.db.begin() as session:
        for incident_id in sorted(groups):  # one lock order: no deadlock between requests
            await _lock_open(session, incident_id, groups[incident_id])
            done = await record_points(
                session,
                incident_id=incident_id,
                points=[hook_point.point for hook_point in groups[incident_id]],
                by=by,
                now=deps.clock.now(),
            )
            stored, duplicates = stored + len(done.points), duplicates + done.duplicates
            if done.points:  # the brief's "Key metrics": redrawn by the next outbox pass, so a
                await metric_brief.want_brief(session, incident_id)  # busy feed costs one a tick
    return Taken(stored=stored, duplicates=duplicates, incidents=sorted(groups))


async def _lock_open(session: AsyncSession, incident_id: int, points: Sequence[HookPoint]) -> None:
    """Lock the incident; 409 when it is resolved or archived, 404 when it is gone."""
    try:
        await lock_open(session, incident_id, doing=DOING)
    except IncidentClosed as closed:
        raise Refused(409, closed.message, point=points[0].index) from None
    except NotFound:
        raise Refused(404, f"unknown incident: there is no INC-{incident_id}") from None
