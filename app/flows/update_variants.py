"""Posting a status update's audience variants, right after the update itself.

The variants were stored (and claimed) in the update's transaction. Each goes where it
belongs, once, through `post_once` with a stable effect id: executives to the stakeholder
channel (standing for the executive summary), employees to the employee channel, customers,
press and social (and those two when their channel is not set) as copy-ready blocks in the
update's thread in the war room. Then one transaction records where each went, with an
audit entry per post; a thread reply says the same, and Legal is told by DM of any variant
the wording guard flagged (updates are not approved, so nobody else would ask them).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import Block

from app.approvals.policy import Category
from app.approvals.variants import Audience, destination, flagged
from app.errors import SlackFailure
from app.flows.deps import Deps
from app.flows.effects import post_once
from app.incidents.models import Incident
from app.slack.blocks.updates.variants import (
    copy_ready_update,
    employees_post,
    executives_post,
    legal_note,
    posted_lines,
)
from app.update_variants import service
from app.update_variants.models import UpdateVariant
from app.updates.models import StatusUpdate

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Landed:
    variant_id: int
    audience: Audience
    channel: str
    ts: str


def screen(deps: Deps, variants: Mapping[Audience, str]) -> dict[Audience, list[str]]:
    """The fault phrases in each variant; screened as public statements are (the policy)."""
    if not deps.policy.is_guarded(Category.PUBLIC_STATEMENT):
        return {}
    return flagged(variants, deps.policy.fault_phrases)


def replaces_summary(deps: Deps, rows: Sequence[UpdateVariant]) -> bool:
    """The executives' variant goes to the stakeholder channel instead of the summary."""
    has_executives = any(row.audience == Audience.EXECUTIVES for row in rows)
    return has_executives and bool(deps.settings.crisis_stakeholder_channel)


async def publish(
    deps: Deps,
    incident: Incident,
    posted: StatusUpdate,
    rows: Sequence[UpdateVariant],
    *,
    thread_ts: str,
) -> str | None:
    """Post every variant; returns the ts of the executives' post in the stakeholder channel."""
    landed: list[Landed] = []
    failed: list[str] = []
    for row in rows:
        channel = _channel(deps, incident, row.audience)
        in_room = channel == incident.channel_id
        text, blocks = _build(incident, posted, row, in_room=in_room)
        assert row.id is not None and row.tried_at is not None
        try:
            sent = await post_once(
                deps,
                service.effect_id(incident.ref, posted.id or 0, row.audience),
                channel=channel,
                text=text,
                blocks=blocks,
                since=row.tried_at,
                thread_ts=thread_ts if in_room else None,
            )
        except SlackFailure as failure:
            logger.warning("update variant %s not posted: %s", row.audience, failure.error)
            failed.append(f"{row.audience.label} ({failure.error})")
            continue
        landed.append(Landed(row.id, row.audience, channel, sent.ts))
    await _record(deps, incident, posted, landed)
    await _tell_thread(deps, incident, posted, landed, failed, thread_ts)
    return next(
        (
            done.ts
            for done in landed
            if done.audience == Audience.EXECUTIVES
            and done.channel == deps.settings.crisis_stakeholder_channel
        ),
        None,
    )


def _channel(deps: Deps, incident: Incident, audience: Audience) -> str:
    return destination(
        audience,
        war_room=incident.channel_id,
        executive_channel=deps.settings.crisis_stakeholder_channel,
        employee_channel=deps.settings.employee_channel,
    )


def _build(
    incident: Incident, posted: StatusUpdate, row: UpdateVariant, *, in_room: bool
) -> tuple[str, list[Block]]:
    if in_room:
        return copy_ready_update(incident, posted, row.audience, row.text)
    if row.audience == Audience.EXECUTIVES:
        return executives_post(incident, posted, row.text)
    return employees_post(incident, posted, row.text)


async def _record(
    deps: Deps, incident: Incident, posted: StatusUpdate, landed: Sequence[Landed]
) -> None:
    if not landed:
        return
    now = deps.clock.now()
    async with deps.db.begin() as session:
        for done in landed:
            await service.record_post(
                session,
                done.variant_id,
                incident_id=incident.id or 0,
                channel=done.channel,
                ts=done.ts,
                by=posted.posted_by,
                at=now,
            )


async def _tell_thread(
    deps: Deps,
    incident: Incident,
    posted: StatusUpdate,
    landed: Sequence[Landed],
    failed: Sequence[str],
    thread_ts: str,
) -> None:
    where = [(done.audience, done.channel) for done in landed]
    try:
        await post_once(
            deps,
            f"update-variants:{incident.ref}:U-{posted.id}",
            channel=incident.channel_id,
            text=posted_lines(where, failed),
            since=posted.posted_at,
            thread_ts=thread_ts,
        )
    except SlackFailure as failure:
        logger.warning("the variants' thread reply was not posted: %s", failure.error)


async def tell_legal(
    deps: Deps,
    incident: Incident,
    posted: StatusUpdate,
    found: Mapping[Audience, Sequence[str]],
    legal: Sequence[str],
) -> None:
    """A DM to each Legal role holder naming the flagged variants (refuses nothing)."""
    for user in legal:
        try:
            await post_once(
                deps,
                service.guard_effect_id(incident.ref, posted.id or 0, user),
                channel=user,
                text=legal_note(incident, posted, found),
                since=posted.posted_at,
            )
        except SlackFailure as failure:
            logger.warning("Legal (%s) was not told of a flagged variant: %s", user, failure.error)
