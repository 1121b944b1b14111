"""Approval cards in Slack: posted where the approvers are, and every copy kept true.

A rendering carries the action's `card_version` as read with it. The transaction of every
change a card shows moves the version on first (app/approvals/locking.py) and reads the card
after the change (`read_card`), so renderings are ordered as the changes are. After rewriting
the copies, `settle` reads the version once more: if it moved on while ours was in flight
(another process refreshing, or a change made elsewhere), ours may have landed on top of a
newer rendering, so the copies are rewritten from what is stored now. Whichever rewrite lands
last was checked after it landed, so the newest rendering is the one left on every copy.
Within one process, `deps.card_locks` keeps one refresh of an action at a time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from slack_sdk.models.blocks import Block
from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals import gates, locking, queries
from app.approvals.models import CardCopy, CopyKind
from app.approvals.policy import ApprovalPolicy
from app.errors import SlackFailure
from app.flows.deps import Deps
from app.roles import service as roles
from app.roles.models import Role
from app.slack.blocks.approvals.card import approval_card, card_text

logger = logging.getLogger(__name__)

REWRITES = 3  # rewrites of one refresh before it leaves the card to the newer refresh


def members_for(
    card: queries.ActionCard, holders: Mapping[Role, Sequence[str]]
) -> dict[Role, list[str]]:
    """The people holding each role the card waits on."""
    return {a.role: list(holders.get(a.role, [])) for a in card.approvals}


@dataclass(frozen=True)
class Rendered:
    """A card as stored at one version, with the people it waits on and its posted copies
    (read once, used by every step)."""

    card: queries.ActionCard
    members: dict[Role, list[str]]
    text: str
    blocks: list[Block]
    copies: tuple[CardCopy, ...] = ()

    @property
    def action_id(self) -> int:
        return self.card.action.id or 0

    @property
    def version(self) -> int:
        return self.card.action.card_version

    @property
    def concerned(self) -> set[str]:
        """Whose Home tab lists this action: approvers, proposer, owner."""
        people = {user for users in self.members.values() for user in users}
        return people | {self.card.action.proposer, self.card.action.owner or ""}


async def read_card(
    session: AsyncSession,
    action_id: int,
    *,
    policy: ApprovalPolicy,
    holders: Mapping[Role, Sequence[str]] | None = None,
) -> Rendered:
    """Everything the card shows, read in the caller's session (after its change, if any);
    `holders` when the caller has read them already."""
    card = await queries.card(session, action_id)
    if not holders:
        holders = await roles.holders(session)
    closed = await gates.card_line_for(session, card.action)
    copies = await queries.copies(session, action_id)
    members = members_for(card, holders)
    blocks = approval_card(card, members=members, policy=policy, closed=closed)
    return Rendered(card, members, card_text(card), blocks, tuple(copies))


async def render(deps: Deps, action_id: int) -> Rendered:
    """A new version of the card, for a change made elsewhere (a resolve, a reopen): the
    version moves on under the action's lock, then the card is read."""
    async with deps.db.begin() as session:
        await locking.lock_action(session, action_id)
        return await read_card(session, action_id, policy=deps.policy)


async def _reread(deps: Deps, action_id: int) -> Rendered:
    """The card as stored now, at the version it has (a repair takes no new version)."""
    async with deps.db() as session:
        return await read_card(session, action_id, policy=deps.policy)


async def rewrite(deps: Deps, shown: Rendered) -> None:
    """Rewrite every posted copy with `shown`."""
    for copy in shown.copies:
        try:
            await deps.slack.update(copy.channel_id, copy.ts, text=shown.text, blocks=shown.blocks)
        except SlackFailure as failure:
            logger.warning("could not update card copy %s: %s", copy.ts, failure.error)


async def settle(deps: Deps, shown: Rendered) -> Rendered:
    """After `shown` was written: if a newer version exists, rewrite the copies from what is
    stored now, until no newer one appeared meanwhile. Returns what was written last."""
    for _ in range(REWRITES):
        async with deps.db() as session:
            newest = await queries.card_version(session, shown.action_id)
        if newest <= shown.version:
            return shown
        shown = await _reread(deps, shown.action_id)
        await rewrite(deps, shown)
    logger.info("%s kept changing; its newest refresh rewrites it", shown.card.action.ref)
    return shown


async def show(deps: Deps, shown: Rendered) -> Rendered:
    """Rewrite every copy with `shown`, then `settle` (the caller holds the card's lock)."""
    await rewrite(deps, shown)
    return await settle(deps, shown)


async def refresh(deps: Deps, action_id: int) -> Rendered:
    """A new version of the card on every copy (the caller holds the card's lock)."""
    return await show(deps, await render(deps, action_id))


async def sync(deps: Deps, action_id: int) -> None:
    """Rewrite every copy from the state as it is now; one refresh at a time per action."""
    async with deps.card_locks(action_id):
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
    """Post the card in the war room and in a DM to each approver; remember every copy.
    `shown` when the proposal's transaction read the card already."""
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
    call `settle` after it, with the card's lock held."""
    copy = await _dm(deps, user_id, shown.text, shown.blocks)
    if copy is None:
        return shown
    return await _remember(deps, shown, [(*copy, CopyKind.DM)])


async def _remember(
    deps: Deps, shown: Rendered, posted: Iterable[tuple[str, str, CopyKind]]
) -> Rendered:
    async with deps.db.begin() as session:
        added = [
            await queries.add_copy(session, shown.action_id, channel_id, ts, kind)
            for channel_id, ts, kind in posted
        ]
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
    deps: Deps, action_id: int, text: str, copies: Sequence[CardCopy] | None = None
) -> None:
    """A reply under the war-room copy of the card (`copies` when read already)."""
    if copies is None:
        async with deps.db() as session:
            copies = await queries.copies(session, action_id)
    for copy in copies:
        if copy.kind != CopyKind.CHANNEL:
            continue
        try:
            await deps.slack.post(copy.channel_id, text=text, thread_ts=copy.ts)
        except SlackFailure as failure:  # e.g. a follow-up decided after the room was archived
            logger.warning("could not reply under card %s: %s", copy.ts, failure.error)
