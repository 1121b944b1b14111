"""Sending one claimed message exactly once: claim it, post it (or find it), then mark it sent
or release it (update nudges: app/flows/reminder_delivery.py; approval reminders:
app/flows/approval_reminders_delivery.py).

The claim is this process's (`Deps.owner`, kept alive by the heartbeat) and is taken only while
the message is still owed (`still_owed`, in the claim's transaction: otherwise it rolls back and
nothing is sent). The post carries the message's effect id and is looked up first when an
earlier attempt's outcome is unknown (app/flows/effects.py), so a message Slack already has is
recorded, not sent again. A failed post releases the claim with a backoff; once the post has
started, a failure that may have reached Slack is kept as unknown for the next claimant.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from slack_sdk.models.blocks import Block
from sqlmodel.ext.asyncio.session import AsyncSession

from app.audit.service import audit
from app.claims.rules import Claimed
from app.claims.table import ClaimTable
from app.errors import SlackFailure
from app.flows.deps import Deps
from app.flows.effects import Posted, outcome_unknown, post_once

logger = logging.getLogger(__name__)


class MessageKey(Protocol):
    @property
    def effect(self) -> str: ...

    @property
    def recipient(self) -> str: ...


Key = TypeVar("Key", bound=MessageKey)


@dataclass(frozen=True)
class Message:
    channel: str  # a channel id or a DM channel id
    text: str
    blocks: Sequence[Block] | None = None
    thread_ts: str | None = None


Compose = Callable[[], Awaitable[Message]]
AfterPost = Callable[[Message, Posted], Awaitable[None]]
StillOwed = Callable[[AsyncSession], Awaitable[bool]]


@dataclass(frozen=True)
class Audited:
    """The audit row written with the mark: `action`, what the message is `about` (before its
    recipient and ts) and the caller's `detail` (after them)."""

    action: str
    incident_id: int
    about: dict[str, Any]
    detail: dict[str, Any]


class _Moot(Exception):
    """The message is no longer owed: the claim's transaction rolls back."""


async def deliver(
    deps: Deps,
    table: ClaimTable[Any, Key],
    key: Key,
    *,
    still_owed: StillOwed,
    compose: Compose,
    audited: Audited,
    what: str,
    after: AfterPost | None = None,
) -> bool:
    """Post the message if this process wins its claim; True once it is in Slack and recorded.
    `what` names the message in the logs."""
    claimed = await _claim(deps, table, key, still_owed)
    if claimed is None:
        return False
    posting = False  # once the post starts, a failure may leave it in Slack all the same
    try:
        message = await compose()
        posting = True
        posted = await post_once(
            deps,
            key.effect,
            channel=message.channel,
            text=message.text,
            blocks=message.blocks,
            thread_ts=message.thread_ts,
            since=claimed.since,
            look_first=claimed.unknown,
        )
        if after is not None:
            await after(message, posted)
    except asyncio.CancelledError:  # the look's timeout: the post may be in Slack
        await _release(deps, table, key, claimed, "cancelled", unknown=posting)
        raise
    except Exception as error:
        name = error.error if isinstance(error, SlackFailure) else type(error).__name__
        unknown = posting and outcome_unknown(error)
        await _release(deps, table, key, claimed, name, unknown=unknown)
        if isinstance(error, SlackFailure):
            logger.warning("could not send %s: %s", what, name)
            return False
        raise
    now = deps.clock.now()
    async with deps.db.begin() as session:
        marked = await table.mark_sent(
            session, key, owner=deps.owner, claimed=claimed, now=now, ts=posted.ts
        )
        if marked:
            audit(
                session,
                at=now,
                actor=system_actor(deps),
                action=audited.action,
                incident_id=audited.incident_id,
                **audited.about,
                recipient=key.recipient,
                ts=posted.ts,
                **audited.detail,
                **({"found": True} if posted.found else {}),
            )
    if not marked:
        logger.warning("the claim on %s was taken over mid-send", what)
    return marked


async def _claim(
    deps: Deps, table: ClaimTable[Any, Key], key: Key, still_owed: StillOwed
) -> Claimed | None:
    try:
        async with deps.db.begin() as session:
            claimed = await table.claim(session, key, owner=deps.owner, now=deps.clock.now())
            if claimed is None:
                return None
            if not await still_owed(session):
                raise _Moot  # rolls the claim back: nothing is owed
            return claimed
    except _Moot:
        return None


async def _release(
    deps: Deps,
    table: ClaimTable[Any, Key],
    key: Key,
    claimed: Claimed,
    error: str,
    *,
    unknown: bool,
) -> None:
    async with deps.db.begin() as session:
        await table.release(
            session,
            key,
            owner=deps.owner,
            claimed=claimed,
            now=deps.clock.now(),
            error=error,
            unknown=unknown,
        )


def system_actor(deps: Deps) -> str:
    """Who the audit names for what the bot sends on its own."""
    return deps.slack.bot_user_id or "crisisroom"
