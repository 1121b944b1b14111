"""Approval cards in Slack: posted where the approvers are, and every copy kept true.

Every copy of a card is an outbox row (app/outbox). The transaction of every change a card
shows moves the action's `card_version` on and asks the outbox for that version on every copy
(app/approvals/locking.py), so what Slack must show is stored with the change. After the
commit the flow kicks the outbox worker (app/flows/outbox_worker.py), which renders each copy
from what is stored then, leased so that one process writes a copy at a time, and rewrites it
again while it keeps changing: the newest rendering is the one left on every copy, across
processes, and a copy Slack refused is retried (Retry-After, backoff) until it is right.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import replace

from slack_sdk.models.blocks import Block

from app.approvals import locking, queries
from app.approvals.models import Action, CardCopy, CopyKind
from app.errors import SlackFailure
from app.flows import outbox_render, outbox_worker
from app.flows.card_render import Rendered, members_for, read_card
from app.flows.deps import Deps
from app.flows.effects import post_once
from app.outbox import service as outbox
from app.outbox.models import OutboxKind
from app.store.locking import lock_row
from app.store.workspace import Workspace

__all__ = ["Rendered", "members_for", "read_card"]

logger = logging.getLogger(__name__)


async def render(deps: Deps, action_id: int) -> Rendered:
    """A new version of the card, for a change made elsewhere (a resolve, a reopen): the
    version moves on under the action's lock (every copy now wants it), then the card is read."""
    async with deps.db.begin() as session:
        await locking.lock_action(session, action_id)
        return await read_card(session, action_id, policy=deps.policy)


async def settle(deps: Deps, shown: Rendered) -> Rendered:
    """After copies were added or a change committed: every copy behind is brought up to the
    version stored now (from `shown` when that is it: the card is not read again). Returns the
    card at the newest version its copies wanted."""
    renders = outbox_render.Renders(cards={shown.action_id: shown})
    newest = await outbox_worker.kick(
        deps, OutboxKind.CARD_COPY, subject_id=shown.action_id, renders=renders
    )
    shown = renders.cards.get(shown.action_id, shown)
    if shown.version >= newest:
        return shown
    async with deps.db() as session:  # (`shown` was older, and the copies had it already)
        return await read_card(session, shown.action_id, policy=deps.policy)


async def rewrite(deps: Deps, shown: Rendered) -> None:
    """Every copy up to the version stored now (at least `shown`'s)."""
    await settle(deps, shown)


async def show(deps: Deps, shown: Rendered) -> Rendered:
    """Every copy up to date (at least `shown`'s version); the card as stored now."""
    return await settle(deps, shown)


async def refresh(deps: Deps, action_id: int) -> Rendered:
    """A new version of the card on every copy."""
    return await show(deps, await render(deps, action_id))


async def sync(deps: Deps, action_id: int) -> None:
    """Rewrite every copy from the state as it is now."""
    shown = await refresh(deps, action_id)
    deps.home.touch(shown.concerned)


async def sync_incident(deps: Deps, incident_id: int) -> None:
    """Rewrite every card of an incident: on resolve they lose their buttons, on reopen regain
    them (cards render the incident's state)."""
    async with deps.db() as session:
        actions = await queries.list_actions(session, incident_id)
    for action in actions:
        await sync(deps, action.id or 0)


async def publish(deps: Deps, action_id: int, shown: Rendered | None = None) -> None:
    """Post the card in the war room and in a DM to each approver; remember every copy (each
    an outbox row). `shown` when the proposal's transaction read the card already."""
    async with deps.card_locks(action_id):
        shown = shown or await render(deps, action_id)
        channel, ts = await deps.slack.post_message(
            shown.card.incident_channel_id, text=shown.text, blocks=shown.blocks
        )
        copies = [(channel, ts, CopyKind.CHANNEL)]
        for user in await _approvers_in_room(deps, shown):
            copy = await _dm(deps, user, shown.text, shown.blocks)
            if copy is not None:
                copies.append((*copy, CopyKind.DM))
        shown = await settle(deps, await _remember(deps, shown, copies))
    deps.home.touch(shown.concerned)


async def add_dm_copy(deps: Deps, shown: Rendered, user_id: str) -> Rendered:
    """One more copy of the card, in `user_id`'s DM (the proposer, when changes are asked);
    call `settle` after it."""
    copy = await _dm(deps, user_id, shown.text, shown.blocks)
    if copy is None:
        return shown
    return await _remember(deps, shown, [(*copy, CopyKind.DM)])


async def remember_dm_copy(deps: Deps, shown: Rendered, channel_id: str, ts: str) -> Rendered:
    """A DM copy posted elsewhere (a backup asked: app/flows/approval_reminders.py), unless it
    is remembered already; call `settle` after it."""
    if any(copy.channel_id == channel_id and copy.ts == ts for copy in shown.copies):
        return shown
    return await _remember(deps, shown, [(channel_id, ts, CopyKind.DM)])


async def _remember(
    deps: Deps, shown: Rendered, posted: Iterable[tuple[str, str, CopyKind]]
) -> Rendered:
    """Store the posted copies, each showing `shown`'s version and wanting the card's version
    as stored now (read under the action's lock, so no change slips between)."""
    now = deps.clock.now()
    async with deps.db.begin() as session:
        await lock_row(session, Action, shown.action_id, column=Action.card_version)
        wanted = await queries.card_version(session, shown.action_id)
        added: list[CardCopy] = []
        for channel_id, ts, kind in posted:
            added.append(await queries.add_copy(session, shown.action_id, channel_id, ts, kind))
            await outbox.add(
                session,
                OutboxKind.CARD_COPY,
                now=now,
                subject_id=shown.action_id,
                channel_id=channel_id,
                ts=ts,
                want=max(wanted, shown.version),
                done=shown.version,
                team=Workspace.of(shown.card.action),
            )
    return replace(shown, copies=(*shown.copies, *added))


async def _approvers_in_room(deps: Deps, shown: Rendered) -> list[str]:
    """Cards go by DM only to role holders who are in the war room: a DM copy shows the draft,
    and the war room is where the people allowed to read it are."""
    approvers = dict.fromkeys(u for users in shown.members.values() for u in users)
    if not approvers:
        return []
    members = await deps.slack.channel_members(shown.card.incident_channel_id)
    outside = [user for user in approvers if user not in members]
    if outside:
        logger.info(
            "not sending %s to %d holder(s) outside the war room",
            shown.card.action.ref,
            len(outside),
        )
    return [user for user in approvers if user in members]


async def _dm(deps: Deps, user: str, text: str, blocks: list[Block]) -> tuple[str, str] | None:
    try:
        return await deps.slack.post_message(user, text=text, blocks=blocks)
    except SlackFailure as failure:
        logger.warning("could not send a card to %s: %s", user, failure.error)
        return None


async def thread_reply(
    deps: Deps, action_id: int, text: str, copies: Sequence[CardCopy], *, effect: str
) -> None:
    """A reply under the war-room copy of the card, posted once (`effect` names it: a reply
    whose answer was lost is looked up in the thread before anything is posted again)."""
    for copy in copies:
        if copy.kind != CopyKind.CHANNEL:
            continue
        try:
            await post_once(
                deps,
                effect,
                channel=copy.channel_id,
                text=text,
                thread_ts=copy.ts,
                since=deps.clock.now(),
            )
        except SlackFailure as failure:  # e.g. a follow-up decided after the room was archived
            logger.warning("could not reply under card %s: %s", copy.ts, failure.error)
