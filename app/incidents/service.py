"""Incident rows: creating, finding and listing (the caller owns the transaction)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.audit.service import audit
from app.incidents.models import Incident, Kind, Severity, Status


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
) -> Incident:
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
        next_update_due=opened_at + timedelta(seconds=cadence_seconds),
    )
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
        channel_id=channel_id,
        channel_name=channel_name,
    )
    return incident


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


async def set_brief(session: AsyncSession, incident: Incident, *, ts: str) -> None:
    incident.brief_ts = ts
    session.add(incident)
