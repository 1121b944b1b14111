"""Posting record checkpoints to CRISIS_CHECKPOINT_CHANNEL: claim, post, mark (or release).

A pass runs on every scheduler tick (CRISIS_TICK_SECONDS; tests call `CrisisRoom.tick()`):
first the checkpoints whose post failed and whose retry time has come, then one owed
checkpoint per incident whose chain has grown. Claims are committed before the Slack call and
nothing is posted inside a database transaction. Each post carries its effect id
("checkpoint:INC-12:300"), so a checkpoint whose answer was lost, or whose poster died, is
found in the channel instead of being posted twice (app/flows/effects.py). With no
checkpoint channel set, nothing is posted. A checkpoint is not itself written to the record:
that would add an entry, which the next hourly checkpoint would then owe, for ever.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select

from app.claims.rules import CLAIM_LEASE, new_token
from app.errors import SlackFailure
from app.flows.deps import Deps
from app.flows.effects import post_once
from app.record import checkpoint_claims as claims
from app.record.anchors import checkpoint_text
from app.record.append import ENTRY
from app.record.checkpoint_claims import Claimed
from app.record.checkpoints import owed

logger = logging.getLogger(__name__)

JOB_ID = "crisis-record-checkpoints"


async def post_checkpoints(deps: Deps) -> int:
    """Post every checkpoint owed now; returns how many were posted."""
    channel = deps.settings.checkpoint_channel
    if channel is None:
        return 0
    now, token, every = deps.clock.now(), new_token(), deps.settings.checkpoint_every
    async with deps.db() as session:
        retries = await claims.retryable(session, now)
        states = await claims.behind(session)
    posted = 0
    for checkpoint_id in retries:
        async with deps.db.begin() as session:
            taken = await claims.retake(session, checkpoint_id, token=token, now=now)
        if taken is not None and await _post(deps, channel, taken, token, retaken=True):
            posted += 1
    for state in states:
        if owed(state, every=every, now=now) is None:
            continue
        async with deps.db.begin() as session:
            claimed = await claims.claim(
                session, incident_id=state.incident_id, every=every, now=now, token=token
            )
        if claimed is not None and await _post(deps, channel, claimed, token):
            posted += 1
    return posted


async def _post(
    deps: Deps, channel: str, claimed: Claimed, token: str, *, retaken: bool = False
) -> bool:
    """Post the checkpoint, or find it when an earlier attempt (a retaken claim: failed, or
    its poster died) may have posted it; no attempt is older than its entry's recording."""
    text = checkpoint_text(claimed.ref, claimed.seq, claimed.hash)
    since = await _recorded_at(deps, claimed) if retaken else deps.clock.now()
    effect = f"checkpoint:{claimed.ref}:{claimed.seq}"
    try:
        posted = await post_once(
            deps, effect, channel=channel, text=text, since=since, look_first=retaken
        )
    except SlackFailure as failure:
        logger.warning(
            "could not post the checkpoint of %s entry %d: %s",
            claimed.ref,
            claimed.seq,
            failure.error,
        )
        async with deps.db.begin() as session:
            await claims.release(
                session, claimed.id, token=token, now=deps.clock.now(), error=failure.error
            )
        return False
    async with deps.db.begin() as session:
        await claims.mark_posted(
            session, claimed.id, token=token, now=deps.clock.now(), ts=posted.ts
        )
    return True


async def _recorded_at(deps: Deps, claimed: Claimed) -> datetime:
    """When the checkpointed entry was written: its checkpoint cannot be older."""
    query = select(ENTRY.c.recorded_at).where(
        ENTRY.c.incident_id == claimed.incident_id, ENTRY.c.seq == claimed.seq
    )
    async with deps.db() as session:
        found = (await (await session.connection()).execute(query)).scalar()
    return found if isinstance(found, datetime) else deps.clock.now() - CLAIM_LEASE
