"""Incident rows: creating, finding and listing (the caller owns the transaction)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ARRAY, String, any_, bindparam, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.audit.service import audit
from app.errors import BadCommand
from app.incidents import closure
from app.incidents.models import Incident, Kind, Severity, Status
from app.incidents.visibility import Viewer
from app.store.workspace import Workspace, stamp


async def create(
    session: AsyncSession,
    *,
    title: str,
    severity: Severity,
    kind: Kind,
    summary: str,
    channel_id: str,
    channel_name: str,
    opened_by: str,
    opened_at: datetime,
    cadence_seconds: int,
    crisis_kind: str | None = None,
    team: Workspace | None = None,
) -> Incident:
    """A new incident of `team`'s workspace (the request's)."""
    incident = Incident(
        title=title,
        severity=severity,
        kind=kind,
        summary=summary,
        channel_id=channel_id,
        channel_name=channel_name,
        opened_by=opened_by,
        opened_at=opened_at,
        cadence_seconds=cadence_seconds,
        crisis_kind=crisis_kind,
        next_update_due=opened_at + timedelta(seconds=cadence_seconds),
        next_reminder_at=opened_at + timedelta(seconds=cadence_seconds),
    )
    stamp(incident, team)
    session.add(incident)
    await session.flush()
    audit(
        session,
        at=opened_at,
        actor=opened_by,
        action="incident.open",
        incident_id=incident.id,
        title=title,
        severity=severity.value,
        kind=kind.value,
        crisis_kind=crisis_kind,
        channel_id=channel_id,
        channel_name=channel_name,
    )
    return incident


def workspace_columns(incident_id: Any) -> dict[str, Any]:
    """`team_id` and `enterprise_id` of the incident `incident_id` (a value or a scalar
    subquery) as subqueries of the statement they are put in: a row inserted on the incident's
    behalf (a reminder the scheduler claims) belongs to the incident's workspace."""
    where = col(Incident.id) == incident_id
    return {
        "team_id": select(Incident.team_id).where(where).scalar_subquery(),
        "enterprise_id": select(Incident.enterprise_id).where(where).scalar_subquery(),
    }


async def get(session: AsyncSession, incident_id: int) -> Incident | None:
    return await session.get(Incident, incident_id)


async def channel_of(session: AsyncSession, incident_id: int) -> str | None:
    query = select(Incident.channel_id).where(Incident.id == incident_id)
    return (await session.exec(query)).first()


async def by_channel(session: AsyncSession, channel_id: str) -> Incident | None:
    query = select(Incident).where(Incident.channel_id == channel_id)
    return (await session.exec(query)).first()


async def active(session: AsyncSession) -> list[Incident]:
    query = select(Incident).where(Incident.status != Status.RESOLVED).order_by(col(Incident.id))
    return list((await session.exec(query)).all())


@dataclass(frozen=True)
class Page:
    """One page of incidents a viewer may see, and how many they may see in all."""

    shown: list[Incident]
    total: int

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.shown))


async def active_page(session: AsyncSession, *, viewer: Viewer, limit: int) -> Page:
    """The first `limit` open incidents `viewer` may see, oldest first, plus their count."""
    where = [Incident.status != Status.RESOLVED]
    return await _page(session, viewer=viewer, where=where, order=col(Incident.id), limit=limit)


async def resolved_page(session: AsyncSession, *, viewer: Viewer, limit: int) -> Page:
    """The `limit` most recently resolved incidents `viewer` may see, plus their count."""
    where = [Incident.status == Status.RESOLVED]
    order = col(Incident.id).desc()
    return await _page(session, viewer=viewer, where=where, order=order, limit=limit)


async def any_active(session: AsyncSession) -> bool:
    """Whether any incident is open at all (one row at most is read)."""
    query = select(Incident.id).where(Incident.status != Status.RESOLVED).limit(1)
    return (await session.exec(query)).first() is not None


async def _page(
    session: AsyncSession,
    *,
    viewer: Viewer,
    where: list[Any],
    order: Any,  # a column, or a column's .desc()
    limit: int,
) -> Page:
    """Visibility is part of the query (`channel_id IN rooms`), so the page and the count
    hold only what the viewer may see, whatever the number of incidents."""
    if viewer.admin is None:
        if not viewer.rooms:
            return Page(shown=[], total=0)
        where = [*where, _in_rooms(session, viewer.rooms)]
    else:
        where = [*where, *_overseen(session, viewer)]
    rows = await session.exec(select(Incident).where(*where).order_by(order).limit(limit))
    shown = list(rows.all())
    if len(shown) < limit:
        return Page(shown=shown, total=len(shown))
    counted = await session.exec(select(func.count()).select_from(Incident).where(*where))
    return Page(shown=shown, total=int(counted.one()))


def _overseen(session: AsyncSession, viewer: Viewer) -> list[Any]:
    """An admin's incidents: their workspace's (their org's), any without a workspace yet, and
    the rooms they are in (a Slack Connect or sister-workspace war room they were asked into)."""
    scope = viewer.admin
    if scope is None or scope.team_id is None:
        return []
    if scope.org and scope.enterprise_id:
        theirs = col(Incident.enterprise_id) == scope.enterprise_id
    else:
        theirs = col(Incident.team_id) == scope.team_id
    found = [theirs, col(Incident.team_id).is_(None)]
    if viewer.rooms:
        found.append(_in_rooms(session, viewer.rooms))
    return [or_(*found)]


def _in_rooms(session: AsyncSession, rooms: frozenset[str]) -> Any:
    """`channel_id IN rooms` as ONE bound value (a PostgreSQL array, a JSON list on SQLite):
    an expanded IN of hundreds of rooms costs more to compile than the query costs to run."""
    rooms_list = sorted(rooms)
    channel = col(Incident.channel_id)
    if session.get_bind().dialect.name == "postgresql":
        return channel == any_(bindparam("rooms", rooms_list, type_=ARRAY(String)))
    listed = func.json_each(bindparam("rooms", json.dumps(rooms_list))).table_valued("value")
    return channel.in_(select(listed.c.value))


SEVERITY_ORDER = (Severity.SEV3, Severity.SEV2, Severity.SEV1)  # least to most severe


async def raise_severity(
    session: AsyncSession,
    *,
    incident_id: int,
    to: Severity,
    by: str,
    at: datetime,
    **because: Any,
) -> Severity:
    """Raise the incident to `to` and return the severity it had; never lowers it (a refusal
    names the severity it already has). The incident is locked and open; `because`: more
    facts for the audit (the alert that asked)."""
    incident = await closure.lock_open(session, incident_id, doing="raise its severity")
    previous = incident.severity
    if SEVERITY_ORDER.index(previous) >= SEVERITY_ORDER.index(to):
        raise BadCommand(f"{incident.ref} is already {previous.value}; nothing to raise.")
    incident.severity = to
    session.add(incident)
    audit(
        session,
        at=at,
        actor=by,
        action="incident.severity_raised",
        incident_id=incident_id,
        previous_severity=previous.value,
        severity=to.value,
        **because,
    )
    return previous


async def set_brief(session: AsyncSession, incident: Incident, *, ts: str) -> None:
    incident.brief_ts = ts
    session.add(incident)
