"""Rows that storage tests need as a starting point, made one way."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from app.incidents import service as incidents
from app.incidents.models import Incident, Kind, Severity
from app.store.engine import SessionFactory


async def create_incident(
    session: AsyncSession,
    *,
    at: datetime,
    channel: str = "C0WAR",
    opened_by: str = "U0MARIA",
    cadence: int = 1800,
) -> Incident:
    """A SEV1 crisis opened at `at`, inside the caller's transaction."""
    return await incidents.create(
        session,
        title="Video going viral",
        severity=Severity.SEV1,
        kind=Kind.CRISIS,
        summary="",
        channel_id=channel,
        channel_name=f"crisis-{channel.lower()}",
        opened_by=opened_by,
        opened_at=at,
        cadence_seconds=cadence,
    )


async def stored_incident(db: SessionFactory, *, at: datetime, **options: object) -> Incident:
    """The same, committed in a transaction of its own."""
    async with db.begin() as session:
        return await create_incident(session, at=at, **options)  # type: ignore[arg-type]
