"""What an approval card shows, read from the database (the outbox worker renders copies from
it; a change's transaction reads it after the change)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import Block
from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals import gates, queries
from app.approvals.models import CardCopy
from app.approvals.policy import ApprovalPolicy
from app.roles import service as roles
from app.roles.models import Role
from app.slack.blocks.approvals.card import approval_card, card_text


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
    `holders` when the caller has read them already. The version is read first, so what is
    shown is at least that version."""
    card = await queries.card(session, action_id)
    if not holders:
        holders = await roles.holders(session, team=roles.team_of(card.action))
    closed = await gates.card_line_for(session, card.action)
    copies = await queries.copies(session, action_id)
    members = members_for(card, holders)
    blocks = approval_card(card, members=members, policy=policy, closed=closed)
    return Rendered(card, members, card_text(card), blocks, tuple(copies))
