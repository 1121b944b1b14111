"""How each kind of outbox copy is brought up to date: read what is stored now, then the one
Slack call that makes the copy show it. A `Plan` names the version it rendered."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from slack_sdk.models.blocks import Block
from sqlmodel import select

from app.approvals import queries as action_queries
from app.approvals.models import CardCopy, CopyKind
from app.errors import NotFound, SlackFailure
from app.flows import library_cards
from app.flows.brief_render import purpose_for, read_brief, topic_for
from app.flows.card_render import Rendered, read_card
from app.flows.deps import Deps
from app.flows.effects import post_once
from app.flows.home_view import render_home
from app.incidents import closure
from app.incidents import service as incidents
from app.incidents.models import Incident
from app.outbox.models import OutboxKind, OutboxRow
from app.slack.blocks.brief import BriefFacts, brief_blocks, brief_text

logger = logging.getLogger(__name__)

Send = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class Plan:
    version: int  # what the copy shows once `send` has run
    send: Send | None = None  # None: nothing to send (the copy needs no call)
    gone: bool = False  # the copy or its subject no longer exists: forget the row


GONE = Plan(0, gone=True)


@dataclass(frozen=True)
class Brief:
    """What a change's transaction read for the brief, and the brief version it asked for."""

    facts: BriefFacts
    version: int


@dataclass
class Renders:
    """What one delivery has read already: cards by action id (every copy of a card reuses a
    rendering at least as new as it wants), briefs by incident id (the change's own reading,
    used if the brief wants exactly that version). Nothing is read twice."""

    cards: dict[int, Rendered] = field(default_factory=dict)
    briefs: dict[int, Brief] = field(default_factory=dict)

    def card(self, row: OutboxRow) -> Rendered | None:
        shown = self.cards.get(row.subject_id)
        if shown is None or shown.version < row.want_version or not _has(shown, row):
            return None  # (a copy added since: read again)
        return shown

    def brief(self, row: OutboxRow) -> BriefFacts | None:
        brief = self.briefs.get(row.subject_id)
        return brief.facts if brief is not None and brief.version == row.want_version else None


async def plan(deps: Deps, row: OutboxRow, renders: Renders | None = None) -> Plan:
    """The call that brings `row`'s copy to what is stored now (`row` was read when leased, so
    everything read here is at least as new as its wanted version)."""
    renders = Renders() if renders is None else renders
    if row.kind == OutboxKind.CARD_COPY:
        return await _card(deps, row, renders)
    if row.kind in library_cards.KINDS:
        planned = await library_cards.plan_copy(deps, row)
        return GONE if planned is None else Plan(*planned)
    facts = renders.brief(row) if row.kind == OutboxKind.BRIEF else None
    if facts is not None and facts.incident.brief_ts is not None:
        return _update_brief(deps, row, facts)
    if row.kind == OutboxKind.HOME:
        view = await render_home(deps, row.user_id)
        return Plan(row.want_version, lambda: deps.slack.publish_home(row.user_id, view))
    async with deps.db() as session:
        incident = await incidents.get(session, row.subject_id)
        if incident is None:
            return GONE
        if await closure.is_archived(session, row.subject_id):
            return Plan(row.want_version)  # an archived room keeps what it showed at closing
        if row.kind == OutboxKind.TOPIC:
            return Plan(row.want_version, _topic(deps, incident, first=row.done_version == 0))
        facts = await read_brief(session, incident)
    if incident.brief_ts is None:
        text, blocks = brief_text(incident), brief_blocks(facts)
        return Plan(row.want_version, _post_brief(deps, incident, text, blocks))
    return _update_brief(deps, row, facts)


def _update_brief(deps: Deps, row: OutboxRow, facts: BriefFacts) -> Plan:
    incident, ts = facts.incident, facts.incident.brief_ts or ""
    text, blocks = brief_text(incident), brief_blocks(facts)
    return Plan(
        row.want_version, lambda: deps.slack.update(row.channel_id, ts, text=text, blocks=blocks)
    )


async def _card(deps: Deps, row: OutboxRow, renders: Renders) -> Plan:
    shown = renders.card(row)
    if shown is None:
        async with deps.db() as session:
            try:
                shown = await read_card(session, row.subject_id, policy=deps.policy)
            except NotFound:
                return GONE
        renders.cards[row.subject_id] = shown
    if not _has(shown, row):
        return GONE  # retired (its reader lost their part) or purged
    return Plan(
        shown.version,
        lambda: deps.slack.update(row.channel_id, row.ts, text=shown.text, blocks=shown.blocks),
    )


def _has(shown: Rendered, row: OutboxRow) -> bool:
    return any(c.channel_id == row.channel_id and c.ts == row.ts for c in shown.copies)


def _topic(deps: Deps, incident: Incident, *, first: bool) -> Send:
    async def send() -> None:
        if first:  # the war room's first description: its purpose too
            await deps.slack.describe_channel(
                incident.channel_id, topic=topic_for(incident), purpose=purpose_for(incident)
            )
        else:
            await deps.slack.set_topic(incident.channel_id, topic_for(incident))

    return send


def _post_brief(deps: Deps, incident: Incident, text: str, blocks: list[Block]) -> Send:
    """The brief's first post, once: the war room's history is looked up for it first (an
    earlier try, or a worker that died mid-send, may have posted it; see app/flows/effects.py),
    then its ts is remembered and it is pinned (a pin that fails is logged; the brief is there
    all the same)."""

    async def send() -> None:
        posted = await post_once(
            deps,
            f"brief:{incident.ref}",
            channel=incident.channel_id,
            text=text,
            blocks=blocks,
            since=incident.opened_at,
            look_first=True,
        )
        ts = posted.ts
        async with deps.db.begin() as session:
            fresh = await incidents.get(session, incident.id or 0)
            if fresh is not None and fresh.brief_ts is None:
                await incidents.set_brief(session, fresh, ts=ts)
        try:
            await deps.slack.pin(incident.channel_id, ts)
        except SlackFailure as failure:
            logger.warning("could not pin the brief of %s: %s", incident.ref, failure.error)

    return send


async def describe(deps: Deps, row: OutboxRow) -> tuple[str, int | None]:
    """What a person calls this copy, and its incident (None for a Home tab)."""
    if row.kind == OutboxKind.HOME:
        return "a Home tab", None
    if row.kind in library_cards.KINDS:
        return await library_cards.describe(deps, row), None
    if row.kind in (OutboxKind.BRIEF, OutboxKind.TOPIC):
        return f"the {row.kind.value} of the war room", row.subject_id
    async with deps.db() as session:
        action = await action_queries.get(session, row.subject_id)
        copy = (await session.exec(select(CardCopy).where(CardCopy.ts == row.ts))).first()
    if action is None:
        return f"the card of A-{row.subject_id}", None
    where = "in the war room" if copy is None or copy.kind == CopyKind.CHANNEL else "in a DM"
    return f"the card of {action.ref} {where}", action.incident_id
