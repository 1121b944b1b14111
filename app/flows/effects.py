"""The bot's own posts are idempotent: each carries its effect id, and is looked up before it
is sent again when an earlier attempt's outcome is unknown.

Every message the bot posts on its own initiative (nudges, escalations, record checkpoints,
database-trouble DMs) carries Slack message metadata `{"event_type": "crisisroom_effect",
"event_payload": {"effect": <id>}}`, the id being stable for the thing owed (not per attempt).
When a post ends without an answer (timeout, dropped connection, Slack's own "it may have
happened" errors) or an earlier attempt died mid-send, Slack may have the message although we
do not know its ts: `post_once` then reads the channel's history from when the effect was
first owed (`include_all_metadata`) and takes the message it finds instead of posting again.
A lookup that fails leaves the outcome unknown and raises, so nothing is posted blind.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk.models.blocks import Block

from app.errors import SlackFailure
from app.flows.deps import Deps
from app.slack.gateway_reads import effect_metadata

logger = logging.getLogger(__name__)

# Slack's clock and ours may differ a little: history is read from this much before `since`.
CLOCK_SKEW = timedelta(minutes=1)
# Failures after which Slack may have done the work: no answer at all (the gateway names a
# timeout or a dropped connection "connection_failed"; slack-sdk's own retry of those is off
# for posts, see gateway_core.NoRepeatConnectionRetry), a 5xx page without a Slack error, and
# the errors Slack documents as "some aspect of the operation may have succeeded".
# A lookup that failed (`LOOKUP_FAILED`) leaves whatever was unknown unknown.
LOOKUP_FAILED = "effect_lookup_failed"
UNKNOWN_OUTCOME = frozenset(
    {
        "connection_failed",
        "unknown_error",
        "internal_error",
        "fatal_error",
        "service_unavailable",
        LOOKUP_FAILED,
    }
)


@dataclass(frozen=True)
class Posted:
    ts: str
    found: bool  # an earlier attempt had posted it; nothing was posted now


def outcome_unknown(error: BaseException) -> bool:
    """Slack may have done what the failed call asked."""
    return not isinstance(error, SlackFailure) or error.error in UNKNOWN_OUTCOME


async def post_once(
    deps: Deps,
    effect_id: str,
    *,
    channel: str,
    text: str,
    blocks: Sequence[Block] | None = None,
    since: datetime,
    look_first: bool = False,
    thread_ts: str | None = None,
) -> Posted:
    """Post `text` to `channel` (a user id: their DM) carrying `effect_id`, unless Slack
    already has it. `since`: when the effect was first owed (no attempt is older);
    `look_first`: an earlier attempt's outcome is unknown; `thread_ts`: a reply in that
    thread. Raises SlackFailure when it could
    neither post nor find the message (see `outcome_unknown` for what the caller records)."""
    if look_first:
        found = await _find(deps, effect_id, channel, since, thread_ts)
        if found is not None:
            return found
    try:
        ts = await deps.slack.post(
            channel,
            text=text,
            blocks=blocks,
            thread_ts=thread_ts,
            metadata=effect_metadata(effect_id),
        )
    except SlackFailure as failure:
        if not outcome_unknown(failure):
            raise
        logger.info("no answer for %s (%s); looking it up", effect_id, failure.error)
        found = await _find(deps, effect_id, channel, since, thread_ts)
        if found is None:
            raise
        return found
    return Posted(ts, found=False)


async def _find(
    deps: Deps, effect_id: str, channel: str, since: datetime, thread_ts: str | None
) -> Posted | None:
    """The message if Slack has it; a failed lookup leaves the outcome unknown."""
    try:
        ts = await deps.slack.find_effect(
            channel, effect_id, oldest=since - CLOCK_SKEW, thread_ts=thread_ts
        )
    except SlackFailure as failure:
        raise SlackFailure(
            f"I couldn't check whether a message was already posted: {failure.error}.",
            error=LOOKUP_FAILED,
        ) from failure
    if ts is None:
        return None
    logger.info("Slack already had %s (ts %s); not posting it again", effect_id, ts)
    return Posted(ts, found=True)
