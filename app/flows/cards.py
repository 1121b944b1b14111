"""Approval cards in Slack: posted where the approvers are, and every copy kept true."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk.models.blocks import Block

from app.approvals import gates, queries
from app.approvals.models import CopyKind
from app.errors import SlackFailure
from app.flows.deps import Deps
from app.roles import service as roles
from app.roles.models import Role
from app.slack.blocks.approvals.card import approval_card, card_text

logger = logging.getLogger(__name__)


def members_for(card: queries.ActionCard, holders: dict[Role, list[str]]) -> dict[Role, list[str]]:
    """The people holding each role the card waits on."""
    return {Role(a.role): holders.get(Role(a.role), []) for a in card.approvals}


@dataclass(frozen=True)
class Rendered:
    """A card as it is now, with the people it waits on (read once, used by every step)."""

    card: queries.ActionCard
    members: dict[Role, list[str]]
    text: str
    blocks: list[Block]

    @property
    def concerned(self) -> set[str]:
        """Whose Home tab lists this action: approvers, proposer, owner."""
        people = {user for users in self.members.values() for user in users}
        return people | {self.card.action.proposer, self.card.action.owner or ""}


async def render(deps: Deps, action_id: int) -> Rendered:
    async with deps.db() as session:
        card = await queries.card(session, action_id)
        holders = await roles.holders(session)
        closed = await gates.card_line_for(session, card.action)
    members = members_for(card, holders)
    blocks = approval_card(card, members=members, policy=deps.policy, closed=closed)
    return Rendered(card, members, card_text(card), blocks)


async def publish(deps: Deps, action_id: int) -> None:
    """Post the card in the war room and in a DM to each approver; remember every copy."""
    shown = await render(deps, action_id)
    text, blocks = shown.text, shown.blocks
    channel, ts = await deps.slack.post_message(
        shown.card.incident_channel_id, text=text, blocks=blocks
    )
    copies = [(channel, ts, CopyKind.CHANNEL)]
    for user in await _approvers_in_room(deps, shown):
        copy = await _dm(deps, user, text, blocks)
        if copy is not None:
            copies.append((*copy, CopyKind.DM))
    async with deps.db.begin() as session:
        for channel_id, copy_ts, kind in copies:
            await queries.add_copy(session, action_id, channel_id, copy_ts, kind)
    deps.home.touch(deps, shown.concerned)


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


async def send_copy(deps: Deps, action_id: int, user_id: str) -> None:
    """One more copy of the card, in `user_id`'s DM (the proposer, when changes are asked)."""
    shown = await render(deps, action_id)
    copy = await _dm(deps, user_id, shown.text, shown.blocks)
    if copy is not None:
        async with deps.db.begin() as session:
            await queries.add_copy(session, action_id, copy[0], copy[1], CopyKind.DM)


async def _dm(deps: Deps, user: str, text: str, blocks: list[Block]) -> tuple[str, str] | None:
    try:
        return await deps.slack.post_message(user, text=text, blocks=blocks)
    except SlackFailure as failure:
        logger.warning("could not send a card to %s: %s", user, failure.error)
        return None


async def sync(deps: Deps, action_id: int) -> None:
    """Rewrite every copy from the state as it is now; one refresh at a time per action."""
    async with deps.card_locks(action_id):
        shown = await render(deps, action_id)
        async with deps.db() as session:
            copies = await queries.copies(session, action_id)
        for copy in copies:
            try:
                await deps.slack.update(
                    copy.channel_id, copy.ts, text=shown.text, blocks=shown.blocks
                )
            except SlackFailure as failure:
                logger.warning("could not update card copy %s: %s", copy.ts, failure.error)
    deps.home.touch(deps, shown.concerned)


async def sync_incident(deps: Deps, incident_id: int) -> None:
    """Rewrite every card of an incident: on resolve they lose their buttons, on reopen regain
    them (cards render the incident's state)."""
    async with deps.db() as session:
        actions = await queries.list_actions(session, incident_id)
    for action in actions:
        await sync(deps, action.id or 0)


async def thread_reply(deps: Deps, action_id: int, text: str) -> None:
    """A reply under the war-room copy of the card."""
    async with deps.db() as session:
        copies = await queries.copies(session, action_id)
    for copy in copies:
        if copy.kind != CopyKind.CHANNEL:
            continue
        try:
            await deps.slack.post(copy.channel_id, text=text, thread_ts=copy.ts)
        except SlackFailure as failure:  # e.g. a follow-up decided after the room was archived
            logger.warning("could not reply under card %s: %s", copy.ts, failure.error)
