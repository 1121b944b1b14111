"""Sending one reminder exactly once: claim it, send it, then mark it sent or release it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from app.audit.service import audit
from app.errors import SlackFailure
from app.flows.deps import Deps
from app.incidents.models import Incident, Status
from app.updates import claims
from app.updates.claims import ReminderKey

logger = logging.getLogger(__name__)

Send = Callable[[], Awaitable[str]]


class _Moot(Exception):
    """The period the reminder belongs to is over (an update was posted, or it was resolved)."""


def system_actor(deps: Deps) -> str:
    return deps.slack.bot_user_id or "crisisroom"


async def deliver(deps: Deps, key: ReminderKey, send: Send, *, action: str, **detail: Any) -> bool:
    """Send the reminder if this process wins its claim; True once it is sent and recorded."""
    token = claims.new_token()
    try:
        async with deps.db.begin() as session:
            if not await claims.claim(session, key, token=token, now=deps.clock.now()):
                return False
            incident = await session.get(Incident, key.incident_id, populate_existing=True)
            if incident is None or not _still_due(incident, key):
                raise _Moot
    except _Moot:
        return False
    try:
        ts = await send()
    except Exception as error:
        await _release(deps, key, token, error)
        if isinstance(error, SlackFailure):
            logger.warning(
                "could not send the %s for INC-%s: %s", key.kind, key.incident_id, error.error
            )
            return False
        raise
    return await _mark_sent(deps, key, token, ts, action=action, detail=detail)


def _still_due(incident: Incident, key: ReminderKey) -> bool:
    return incident.status != Status.RESOLVED and incident.next_update_due == key.due_at


async def _release(deps: Deps, key: ReminderKey, token: str, error: Exception) -> None:
    name = error.error if isinstance(error, SlackFailure) else type(error).__name__
    async with deps.db.begin() as session:
        await claims.release(session, key, token=token, now=deps.clock.now(), error=name)


async def _mark_sent(
    deps: Deps, key: ReminderKey, token: str, ts: str, *, action: str, detail: dict[str, Any]
) -> bool:
    now = deps.clock.now()
    async with deps.db.begin() as session:
        marked = await claims.mark_sent(session, key, token=token, now=now, ts=ts)
        if marked:
            audit(
                session,
                at=now,
                actor=system_actor(deps),
                action=action,
                incident_id=key.incident_id,
                due_at=key.due_at.isoformat(),
                recipient=key.recipient,
                ts=ts,
                **detail,
            )
    if not marked:
        logger.warning(
            "the claim on the %s for INC-%s went stale mid-send", key.kind, key.incident_id
        )
    return marked
