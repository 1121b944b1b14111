"""Sending one approval reminder exactly once: claim it, post it (or find it), then mark it
sent or release it (the same steps as app/flows/reminder_delivery.py, on the approval's rows).

Each post carries its effect id (`ApprovalReminderKey.effect`) and is looked up first when an
earlier attempt's outcome is unknown (app/flows/effects.py). The claim is taken only while the
approval is still waiting, so a decision made meanwhile sends nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import Block

from app.approvals import reminders_claims as claims
from app.approvals.models import Action, ActionState, Approval, DecisionState
from app.approvals.reminders import ApprovalReminderKey
from app.audit.service import audit
from app.errors import SlackFailure
from app.flows.deps import Deps
from app.flows.effects import Posted, outcome_unknown, post_once
from app.updates.claims import Claimed

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    channel: str  # a channel id or a DM channel id
    text: str
    blocks: Sequence[Block] | None = None
    thread_ts: str | None = None


Compose = Callable[[], Awaitable[Message]]
AfterPost = Callable[[Message, Posted], Awaitable[None]]


async def deliver(
    deps: Deps,
    key: ApprovalReminderKey,
    compose: Compose,
    *,
    incident_id: int,
    action: str,
    after: AfterPost | None = None,
    **detail: Any,
) -> bool:
    """Post the message if this process wins its claim; True once it is in Slack and recorded."""
    claimed = await _claim(deps, key)
    if claimed is None:
        return False
    posting = False
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
    except asyncio.CancelledError:
        await _release(deps, key, claimed, "cancelled", unknown=posting)
        raise
    except Exception as error:
        name = error.error if isinstance(error, SlackFailure) else type(error).__name__
        await _release(deps, key, claimed, name, unknown=posting and outcome_unknown(error))
        if isinstance(error, SlackFailure):
            logger.warning("could not send %s: %s", key.effect, name)
            return False
        raise
    return await _mark_sent(deps, key, claimed, posted, incident_id, action, detail)


class _Moot(Exception):
    """The approval was decided (or its action settled or revised) since it was found due."""


async def _claim(deps: Deps, key: ApprovalReminderKey) -> Claimed | None:
    try:
        async with deps.db.begin() as session:
            claimed = await claims.claim(session, key, owner=deps.owner, now=deps.clock.now())
            if claimed is None:
                return None
            approval = await session.get(Approval, key.approval_id, populate_existing=True)
            action = await session.get(Action, key.action_id, populate_existing=True)
            if approval is None or action is None or not _waiting(approval, action):
                raise _Moot  # rolls the claim back: nothing is owed
            return claimed
    except _Moot:
        return None


def _waiting(approval: Approval, action: Action) -> bool:
    return (
        approval.state == DecisionState.PENDING
        and action.state == ActionState.PENDING
        and action.revision == approval.revision
    )


async def _release(
    deps: Deps, key: ApprovalReminderKey, claimed: Claimed, error: str, *, unknown: bool
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
    key: ApprovalReminderKey,
    claimed: Claimed,
    posted: Posted,
    incident_id: int,
    action: str,
    detail: dict[str, Any],
) -> bool:
    now = deps.clock.now()
    async with deps.db.begin() as session:
        marked = await claims.mark_sent(
            session, key, owner=deps.owner, claimed=claimed, now=now, ts=posted.ts
        )
        if marked:
            audit(
                session,
                at=now,
                actor=deps.slack.bot_user_id or "crisisroom",
                action=action,
                incident_id=incident_id,
                action_id=key.action_id,
                approval_id=key.approval_id,
                revision=key.revision,
                role=key.role.value,
                step=key.step,
                recipient=key.recipient,
                ts=posted.ts,
                **detail,
                **({"found": True} if posted.found else {}),
            )
    if not marked:
        logger.warning("the claim on %s was taken over mid-send", key.effect)
    return marked
