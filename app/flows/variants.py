"""Audience variants: the set the revise form starts from, and posting an approved set.

"Post variants" (an incident lead or the action's owner) posts each variant of the approved
revision where it belongs, once: executives to the stakeholder channel, employees to the
employee channel, customers, press and social (and those two when their channel is not set)
to the war room as a copy-ready block. Three steps, never a transaction across a Slack call:
claim (check, and mark each variant tried), post each through `post_once` (a variant tried
before is looked up in the channel first), then record where each went, with an audit entry
per post (the legal record copies it), and bring the card up to date.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import Block

from app.approvals import gates, locking, rules, variants
from app.approvals.models import Action
from app.approvals.variants import ActionVariant, Audience
from app.audit.service import audit
from app.errors import BadCommand, SlackFailure
from app.flows import cards
from app.flows.action_access import ensure_action_visible
from app.flows.approvals import check_reviser as check_action_reviser
from app.flows.deps import Deps
from app.flows.effects import post_once
from app.incidents.models import Incident
from app.roles.service import holders as role_holders
from app.slack.blocks.approvals.variants import copy_ready, posted_summary, variant_post
from app.slack.teams import team_of

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class VariantPost:
    """One variant owed to one channel, as the claim read it."""

    variant_id: int
    audience: Audience
    channel: str
    effect: str
    since: datetime
    look_first: bool  # tried before: Slack may have it already
    text: str
    blocks: list[Block]


@dataclass(frozen=True)
class Landed:
    post: VariantPost
    ts: str


async def check_reviser(deps: Deps, action_id: int, by: str) -> tuple[Action, dict[Audience, str]]:
    """Who may revise (as for any revision), and the current variants the form starts from."""
    action = await check_action_reviser(deps, action_id, by)
    async with deps.db() as session:
        current = await variants.texts_of(session, action_id, action.revision)
    return action, current


async def post_variants(deps: Deps, action_id: int, *, by: str) -> None:
    await ensure_action_visible(deps, action_id, by)
    async with deps.card_locks(action_id):
        action, owed = await _claim(deps, action_id, by)
        landed: list[Landed] = []
        failed: list[str] = []
        for post in owed:
            try:
                sent = await post_once(
                    deps,
                    post.effect,
                    channel=post.channel,
                    text=post.text,
                    blocks=post.blocks,
                    since=post.since,
                    look_first=post.look_first,
                )
            except SlackFailure as failure:
                logger.warning("variant %s not posted: %s", post.effect, failure.error)
                failed.append(f"{post.audience.label} ({failure.error})")
                continue
            landed.append(Landed(post, sent.ts))
        shown = await cards.settle(deps, await _record(deps, action_id, by, landed))
        where = [(done.post.audience, done.post.channel) for done in landed]
        posted = sum(1 for variant in shown.card.variants if variant.posted_ts)
        await cards.thread_reply(
            deps,
            action_id,
            posted_summary(action, where, ", ".join(failed)),
            shown.copies,
            effect=f"variants:{action.ref}:r{action.revision}:{posted}:{len(failed)}",
        )
    deps.home.touch(shown.concerned)


async def _claim(deps: Deps, action_id: int, by: str) -> tuple[Action, list[VariantPost]]:
    """Check who asks and what is owed; mark each owed variant tried, in one transaction."""
    now = deps.clock.now()
    async with deps.db.begin() as session:
        action = await locking.lock_action(session, action_id)
        await gates.lock_open_for(session, action, doing=f"post the variants of {action.ref}")
        team = team_of(action, deps.slack)
        by_roles = rules.held_by(await role_holders(session, team=team), by)
        variants.check_postable(action, by=by, by_roles=by_roles)
        incident = await session.get(Incident, action.incident_id)
        assert incident is not None
        rows = await variants.of_revision(session, action_id, action.revision)
        if not rows:
            raise BadCommand(f"{action.ref} has no variants to post.")
        owed = [row for row in rows if row.posted_ts is None]
        if not owed:
            raise BadCommand(f"Every variant of {action.ref} is posted already.")
        posts = [_plan(deps, action, incident, row, now) for row in owed]
        for row in owed:
            row.tried_at = row.tried_at or now
            session.add(row)
    return action, posts


def _plan(
    deps: Deps, action: Action, incident: Incident, row: ActionVariant, now: datetime
) -> VariantPost:
    channel = variants.destination(
        row.audience,
        war_room=incident.channel_id,
        executive_channel=deps.settings.crisis_stakeholder_channel,
        employee_channel=deps.settings.employee_channel,
    )
    build = copy_ready if channel == incident.channel_id else variant_post
    text, blocks = build(action, row, incident_ref=incident.ref)
    assert row.id is not None
    return VariantPost(
        variant_id=row.id,
        audience=row.audience,
        channel=channel,
        effect=variants.effect_id(action, row.audience),
        since=row.tried_at or now,
        look_first=row.tried_at is not None,
        text=text,
        blocks=blocks,
    )


async def _record(deps: Deps, action_id: int, by: str, landed: list[Landed]) -> cards.Rendered:
    """Where each variant went, with an audit entry per post; then the card as it is now."""
    now = deps.clock.now()
    async with deps.db.begin() as session:
        action = await locking.lock_action(session, action_id)
        for done in landed:
            row = await session.get(ActionVariant, done.post.variant_id)
            assert row is not None
            row.posted_channel, row.posted_ts = done.post.channel, done.ts
            row.posted_by, row.posted_at = by, now
            session.add(row)
            audit(
                session,
                at=now,
                actor=by,
                action="action.variant_post",
                incident_id=action.incident_id,
                action_id=action.id,
                revision=row.revision,
                audience=row.audience.value,
                channel=done.post.channel,
                ts=done.ts,
            )
        await session.flush()
        return await cards.read_card(session, action_id, policy=deps.policy)
