"""Library approval cards go through the outbox (SQLite and PostgreSQL): a copy whose post
failed is posted on a later pass, a post whose answer was lost is found and not posted again,
every copy ends up showing the last decision, and the author is told the outcome once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import select

from app.flows.library_cards import card_effect
from app.harness import Harness
from app.harness.seed import DAVID, MARIA, ROBERT
from app.outbox.models import OutboxKind, OutboxRow
from app.slack.blocks import library_ids as ids
from app.slack.gateway_reads import effect_metadata
from app.slackdouble.state import Message
from tests.approvals.test_card_versions import second_process
from tests.conftest import BACKENDS
from tests.databases import harness_on
from tests.library.helpers import add_statement, decide, library_cards, shown
from tests.scenarios.conftest import seed_roles

PEOPLE = (DAVID.id, ROBERT.id, MARIA.id)  # the approvers and the author
DAVIDS = "approved by @David Kim"
OUTCOME = "approved and can be used"


@pytest.fixture(params=BACKENDS)
async def bot(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Harness]:
    async with harness_on(request.param, tmp_path) as running:
        await seed_roles(running)
        yield running


def cards_in_dm(harness: Harness, user: str) -> list[Message]:
    return [m for m in harness.double.dms(user) if m.blocks]


async def rows(harness: Harness, kind: OutboxKind) -> list[OutboxRow]:
    async with harness.db() as session:
        query = select(OutboxRow).where(OutboxRow.kind == kind.value)
        return list((await session.exec(query)).all())


async def every_copy(harness: Harness, version_id: int) -> list[str]:
    return [shown(harness, card) for card in await library_cards(harness, version_id)]


async def test_a_card_whose_post_failed_is_posted_on_a_later_pass(bot: Harness) -> None:
    bot.double.fault("chat.postMessage", "server_error", times=200)  # beyond slack-sdk's retries
    version = await add_statement(bot, MARIA.id)
    assert await library_cards(bot, version.id or 0) == []
    owed = await rows(bot, OutboxKind.LIBRARY_CARD)
    assert sorted(row.user_id for row in owed) == sorted(PEOPLE)
    assert all(row.stale and row.last_error and not row.ts for row in owed)
    bot.double.clear_faults()
    await bot.room.tick()  # not yet: the backoff has not ended
    assert await library_cards(bot, version.id or 0) == []
    bot.clock.advance(3)
    await bot.room.tick()
    assert len(await library_cards(bot, version.id or 0)) == 3
    for user in PEOPLE:
        assert len(cards_in_dm(bot, user)) == 1, user
    assert not any(row.stale for row in await rows(bot, OutboxKind.LIBRARY_CARD))


@pytest.mark.parametrize("fault", ["drop", "late"])
async def test_a_post_whose_answer_was_lost_is_found_not_posted_twice(
    bot: Harness, fault: str
) -> None:
    bot.double.fault("chat.postMessage", fault, times=1)  # Slack posts it; the answer is lost
    version = await add_statement(bot, MARIA.id)
    bot.clock.advance(3)
    await bot.room.tick()
    cards = await library_cards(bot, version.id or 0)
    assert len(cards) == 3
    for user in PEOPLE:
        [posted] = cards_in_dm(bot, user)
        assert any(card.ts == posted.ts for card in cards), user
    assert not any(row.stale for row in await rows(bot, OutboxKind.LIBRARY_CARD))


async def test_a_card_a_dead_worker_posted_is_found_by_the_next_pass(bot: Harness) -> None:
    bot.double.fault("chat.postMessage", "server_error", times=200)
    version = await add_statement(bot, MARIA.id)
    bot.double.clear_faults()
    dm = await bot.room.deps.slack.dm_channel(DAVID.id)  # a worker posts David's copy, then dies
    effect = effect_metadata(card_effect(version.id or 0, DAVID.id))
    earlier = await bot.room.deps.slack.post(dm, text="the card", metadata=effect)
    bot.clock.advance(3)
    await bot.room.tick()
    assert [m.ts for m in bot.double.dms(DAVID.id)] == [earlier]
    [davids] = [row for row in await rows(bot, OutboxKind.LIBRARY_CARD) if row.user_id == DAVID.id]
    assert davids.ts == earlier and not davids.stale
    assert len(await library_cards(bot, version.id or 0)) == 3


async def test_after_a_decision_every_copy_shows_it_even_if_the_first_update_failed(
    bot: Harness,
) -> None:
    version = await add_statement(bot, MARIA.id)
    version_id = version.id or 0
    bot.double.fault("chat.update", "server_error", times=200)
    await decide(bot, DAVID.id, version_id, ids.APPROVE, "legal")
    assert not any(DAVIDS in text for text in await every_copy(bot, version_id))
    assert all(row.stale and row.last_error for row in await rows(bot, OutboxKind.LIBRARY_CARD))
    bot.double.clear_faults()
    bot.clock.advance(3)
    await bot.room.tick()
    texts = await every_copy(bot, version_id)
    assert len(texts) == 3 and all(DAVIDS in text for text in texts)
    assert not any(row.stale for row in await rows(bot, OutboxKind.LIBRARY_CARD))


@pytest.mark.parametrize("fault", ["drop", "server_error"])
async def test_the_author_is_told_the_outcome_once(bot: Harness, fault: str) -> None:
    version = await add_statement(bot, MARIA.id)
    version_id = version.id or 0
    await decide(bot, DAVID.id, version_id, ids.APPROVE, "legal")
    times = 1 if fault == "drop" else 200
    bot.double.fault("chat.postMessage", fault, times=times)  # the outcome DM's first try
    await decide(bot, ROBERT.id, version_id, ids.APPROVE, "exec")
    bot.double.clear_faults()
    for _ in range(3):
        bot.clock.advance(30)
        await bot.room.tick()
    told = [m for m in bot.double.dms(MARIA.id) if OUTCOME in m.text]
    assert len(told) == 1
    assert all("Approved" in text for text in await every_copy(bot, version_id))
    [outcome] = await rows(bot, OutboxKind.LIBRARY_OUTCOME)
    assert outcome.user_id == MARIA.id and not outcome.stale


async def test_copies_an_older_release_posted_are_adopted_at_start(bot: Harness) -> None:
    """A rolling upgrade: an old replica posted the cards without outbox rows; a new replica's
    start gives each one, so the next decision reaches every copy."""
    version = await add_statement(bot, MARIA.id)
    version_id = version.id or 0
    async with bot.db.begin() as session:  # as if an old replica had posted these copies
        for row in await rows(bot, OutboxKind.LIBRARY_CARD):
            await session.delete(await session.get(OutboxRow, row.id))
    async with second_process(bot):  # a new replica starts
        pass
    adopted = await rows(bot, OutboxKind.LIBRARY_CARD)
    assert len(adopted) == 3 and not any(row.stale for row in adopted)
    await decide(bot, DAVID.id, version_id, ids.APPROVE, "legal")
    assert all(DAVIDS in text for text in await every_copy(bot, version_id))
    for user in PEOPLE:
        assert len(cards_in_dm(bot, user)) == 1, user
