"""Library approval cards through the outbox: every copy posted once and kept current.

A version's card is owed to each approver, to its author and to the library channel: one
outbox row per target (`OutboxKind.LIBRARY_CARD`, subject: the version, `user_id`: the
target), added in the proposal's transaction and moved on by every decision's. The worker
(app/flows/outbox_worker.py) asks `plan_copy` for the one call that brings a row's copy to
what is stored now: the first post of a copy not yet known (through `post_once`, effect id
`library-card:V-<version id>:<target>`, so a post whose answer was lost is found in the
conversation's history instead of being posted again; where it went is then stored on the row
and as a `LibraryCard`), or the update of a known one. The author's outcome DM is a row of
its own (`OutboxKind.LIBRARY_OUTCOME`, effect id `library-outcome:V-<version id>`), added by
the decision that settles the version: posted once, retried like any copy.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from app.errors import NotFound
from app.flows.deps import Deps
from app.flows.effects import post_once
from app.library import queries
from app.library.models import VersionState
from app.library.queries import VersionCard
from app.outbox import service as outbox
from app.outbox.models import OutboxKind, OutboxRow
from app.slack.blocks.library_card import card_text, outcome_line, version_card
from app.store.workspace import Workspace

Send = Callable[[], Awaitable[None]]
KINDS = (OutboxKind.LIBRARY_CARD, OutboxKind.LIBRARY_OUTCOME)


def card_effect(version_id: int, target: str) -> str:
    return f"library-card:V-{version_id}:{target}"


def outcome_effect(version_id: int) -> str:
    return f"library-outcome:V-{version_id}"


async def want_copies(
    session: AsyncSession,
    version_id: int,
    targets: Iterable[str],
    *,
    now: datetime,
    team: Workspace | None,
) -> None:
    """In the proposal's transaction: a copy of the card is owed to each target."""
    for target in dict.fromkeys(targets):
        await outbox.add(
            session,
            OutboxKind.LIBRARY_CARD,
            now=now,
            subject_id=version_id,
            user_id=target,
            team=team,
        )


async def want_update(
    session: AsyncSession, card: VersionCard, *, settled: bool, now: datetime
) -> None:
    """In a decision's transaction: every copy must show it; the author is told the outcome
    once the version is settled."""
    version_id = card.version.id or 0
    await outbox.want_next(session, OutboxKind.LIBRARY_CARD, subject_id=version_id)
    if settled:
        await outbox.add(
            session,
            OutboxKind.LIBRARY_OUTCOME,
            now=now,
            subject_id=version_id,
            user_id=card.version.proposed_by,
            team=Workspace.of(card.entry),
        )


async def plan_copy(deps: Deps, row: OutboxRow) -> tuple[int, Send | None] | None:
    """The version `row`'s copy shows once the returned call has run (None: no call needed);
    None when the version is gone."""
    async with deps.db() as session:
        try:
            card = await queries.version_card(session, row.subject_id)
        except NotFound:
            return None
    if row.kind == OutboxKind.LIBRARY_OUTCOME:
        if card.version.state == VersionState.PENDING:
            return row.want_version, None
        return row.want_version, _outcome(deps, card)
    text, blocks = card_text(card), version_card(card, policy=deps.policy)
    if row.ts:
        ts = row.ts

        async def update() -> None:
            await deps.slack.update(row.channel_id, ts, text=text, blocks=blocks)

        return row.want_version, update

    async def post() -> None:
        channel = await _conversation(deps, row.user_id)
        posted = await post_once(
            deps,
            card_effect(row.subject_id, row.user_id),
            channel=channel,
            text=text,
            blocks=blocks,
            since=card.version.proposed_at,
            look_first=True,  # an earlier try, or a worker that died mid-send, may have posted
        )
        async with deps.db.begin() as session:
            await outbox.locate(session, row.id or 0, channel_id=channel, ts=posted.ts)
            await queries.remember_card(session, row.subject_id, channel_id=channel, ts=posted.ts)

    return row.want_version, post


def _outcome(deps: Deps, card: VersionCard) -> Send:
    async def send() -> None:
        channel = await _conversation(deps, card.version.proposed_by)
        await post_once(
            deps,
            outcome_effect(card.version.id or 0),
            channel=channel,
            text=outcome_line(card),
            since=card.version.decided_at or card.version.proposed_at,
            look_first=True,
        )

    return send


async def _conversation(deps: Deps, target: str) -> str:
    """Where a target's copy goes: a user's DM (opened first: updates need its id), or the
    channel itself."""
    return await deps.slack.dm_channel(target) if target[:1] in ("U", "W") else target


async def describe(deps: Deps, row: OutboxRow) -> str:
    """What a person calls this copy (for logs)."""
    async with deps.db() as session:
        try:
            card = await queries.version_card(session, row.subject_id)
        except NotFound:
            return f"the library card of V-{row.subject_id}"
    name = f"“{card.entry.key}” v{card.version.version}"
    if row.kind == OutboxKind.LIBRARY_OUTCOME:
        return f"the outcome DM of library {name}"
    return f"the library card of {name} for {row.user_id}"
