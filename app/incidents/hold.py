"""Legal hold: Legal keeps an incident from being purged or archived until they release it.

Placing and releasing a hold take the incident row's lock first (as resolve and the retention
purge do), so a hold racing a purge is either in force before it or finds nothing left. Both
are written to the audit trail, and so to the incident's legal record, with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.audit.service import audit
from app.errors import BadCommand
from app.incidents.closure import lock_incident
from app.incidents.hold_models import REASON_MAX, LegalHold
from app.incidents.models import Incident

HOLD = "incident.hold"
RELEASE = "incident.release"


class OnHold(BadCommand):
    """The incident is on legal hold, so this cannot be done until Legal releases it."""

    def __init__(self, incident: Incident, doing: str) -> None:
        super().__init__(
            f"{incident.ref} is on legal hold: you cannot {doing} until Legal releases it "
            "with `/crisis release`."
        )


async def current(session: AsyncSession, incident_id: int) -> LegalHold | None:
    return await session.get(LegalHold, incident_id, populate_existing=True)


async def held_among(session: AsyncSession, incident_ids: Sequence[int]) -> set[int]:
    if not incident_ids:
        return set()
    query = select(LegalHold.incident_id).where(col(LegalHold.incident_id).in_(incident_ids))
    return set((await session.exec(query)).all())


async def ensure_not_held(session: AsyncSession, incident: Incident, *, doing: str) -> None:
    if await current(session, incident.id or 0) is not None:
        raise OnHold(incident, doing)


async def place(
    session: AsyncSession, *, incident_id: int, reason: str, by: str, at: datetime
) -> tuple[Incident, LegalHold]:
    incident = await lock_incident(session, incident_id)
    if await current(session, incident_id) is not None:
        raise BadCommand(f"{incident.ref} is already on legal hold.")
    if len(reason) > REASON_MAX:
        raise BadCommand(f"That reason is {len(reason)} characters; keep it under {REASON_MAX}.")
    hold = LegalHold(incident_id=incident_id, reason=reason, held_by=by, held_at=at)
    session.add(hold)
    audit(session, at=at, actor=by, action=HOLD, incident_id=incident_id, reason=reason)
    return incident, hold


async def release(
    session: AsyncSession, *, incident_id: int, by: str, at: datetime
) -> tuple[Incident, LegalHold]:
    incident = await lock_incident(session, incident_id)
    hold = await current(session, incident_id)
    if hold is None:
        raise BadCommand(f"{incident.ref} is not on legal hold.")
    await session.delete(hold)
    audit(
        session,
        at=at,
        actor=by,
        action=RELEASE,
        incident_id=incident_id,
        reason=hold.reason,
        held_by=hold.held_by,
        held_at=hold.held_at.isoformat(),
    )
    return incident, hold
