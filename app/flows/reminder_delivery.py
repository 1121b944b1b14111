"""Sending one reminder exactly once: claim it, post it (or find it), then mark it sent or
release it.

The claim is this process's (`Deps.owner`, kept alive by `beat`); the post carries the
reminder's effect id and is looked up first when an earlier attempt's outcome is unknown
(app/flows/effects.py), so a nudge Slack already has is recorded, not sent again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from slack_sdk.models.blocks import Block

from app.approvals import reminders_claims as approval_claims
from app.audit.service import audit
from app.errors import SlackFailure
from app.flows.deps import Deps
from app.flows.effects import Posted, outcome_unknown, post_once
from app.incidents.models import Incident, Status
from app.updates import claims
from app.updates.claims import Claimed, ReminderKey

logger = logging.getLogger(__name__)

# What to post: (text, blocks), built when the claim is won (so it says what is true then).
Compose = Callable[[], Awaitable[tuple[str, Sequence[Block] | None]]]


class _Moot(Exception):
    """The period the reminder belongs to is over (an update was posted, or it was resolved)."""


def system_actor(deps: Deps) -> str:
    return deps.slack.bot_user_id or "crisisroom"


async def deliver(
    deps: Deps, key: ReminderKey, compose: Compose, *, action: str, **detail: Any
) -> bool:
    """Post the reminder to `key.recipient` if this process wins its claim; True once it is
    in Slack and recorded."""
    claimed = await _claim(deps, key)
    if claimed is None:
        return False
    posting = False  # once the post starts, a failure may leave it in Slack all the same
    try:
        text, blocks = await compose()
        posting = True
        posted = await post_once(
            deps,
            key.effect,
            channel=key.recipient,
            text=text,
            blocks=blocks,
            since=claimed.since,
            look_first=claimed.unknown,
        )
    except asyncio.CancelledError:  # the look's timeout: the post may be in Slack
        await _release(deps, key, claimed, "cancelled", unknown=posting)
        raise
    except Exception as error:
        name = error.error if isinstance(error, SlackFailure) else type(error).__name__
        unknown = posting and outcome_unknown(error)
        await _release(deps, key, claimed, name, unknown=unknown)
        if isinstance(error, SlackFailure):
            logger.warning("could not send the %s for INC-%s: %s", key.kind, key.incident_id, name)
            return False
        raise
    return await _mark_sent(deps, key, claimed, posted, action=action, detail=detail)


async def _claim(deps: Deps, key: ReminderKey) -> Claimed | None:
    try:
        async with deps.db.begin() as session:
            claimed = await claims.claim(session, key, owner=deps.owner, now=deps.clock.now())
            if claimed is None:
                return None
            incident = await session.get(Incident, key.incident_id, populate_existing=True)
            if incident is None or not _still_due(incident, key):
                raise _Moot
            return claimed
    except _Moot:
        return None


def _still_due(incident: Incident, key: ReminderKey) -> bool:
    return incident.status != Status.RESOLVED and incident.next_update_due == key.due_at


async def _release(
    deps: Deps, key: ReminderKey, claimed: Claimed, error: str, *, unknown: bool
) -> None:
    async with deps.db.begin() as session:
        await claims.release(
            session,
            key,
            owner=deps.owner,
            claimed=claimed,
            now=deps.clock.now(),
            error=error,
            unknown=unknown,
        )


async def _mark_sent(
    deps: Deps,
    key: ReminderKey,
    claimed: Claimed,
    posted: Posted,
    *,
    action: str,
    detail: dict[str, Any],
) -> bool:
    now = deps.clock.now()
    async with deps.db.begin() as session:
        marked = await claims.mark_sent(
            session, key, owner=deps.owner, claimed=claimed, now=now, ts=posted.ts
        )
        if marked:
            extra = {"found": True} if posted.found else {}
            audit(
                session,
                at=now,
                actor=system_actor(deps),
                action=action,
                incident_id=key.incident_id,
                due_at=key.due_at.isoformat(),
                recipient=key.recipient,
                ts=posted.ts,
                **detail,
                **extra,
            )
    if not marked:
        logger.warning(
            "the claim on the %s for INC-%s was taken over mid-send", key.kind, key.incident_id
        )
    return marked


async def beat(deps: Deps) -> int:
    """This process is alive: refresh the heartbeat of every claim it holds, update nudges'
    and approval reminders' alike (one transaction, one UPDATE each)."""
    now = deps.clock.now()
    async with deps.db.begin() as session:
        nudges = await claims.heartbeat(session, owner=deps.owner, now=now)
        return nudges + await approval_claims.heartbeat(session, owner=deps.owner, now=now)
