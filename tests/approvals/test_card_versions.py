"""Card versions: a refresh that lands after a newer one is rewritten, so every copy of a card
ends on its newest rendering, even when two processes refresh it at once (SQLite, PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from app.approvals import queries
from app.approvals.models import Action
from app.flows import cards
from app.harness import Harness
from app.harness.seed import DAVID, LISA, ROBERT
from app.main import CrisisRoom, create_app
from app.roles.models import Role
from app.slack import ids
from app.store.engine import make_session_factory
from tests.conftest import BACKENDS
from tests.databases import harness_on
from tests.scenarios.approvals_helpers import (
    click,
    copies,
    seed_apology,
    shown,
)

ROBERTS = "approved by @Robert Chen"


@pytest.fixture(params=BACKENDS)
async def bot(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Harness]:
    async with harness_on(request.param, tmp_path) as running:
        yield running


async def apology(harness: Harness) -> Action:
    return (await seed_apology(harness, details="We are sorry for how we treated a customer."))[1]


async def version(harness: Harness, action_id: int) -> int:
    async with harness.db() as session:
        return await queries.card_version(session, action_id)


async def every_copy(harness: Harness, action_id: int) -> list[str]:
    return [shown(harness, copy) for copy in await copies(harness, action_id)]


async def test_the_version_moves_with_each_change_and_each_refresh(bot: Harness) -> None:
    action = await apology(bot)
    action_id = action.id or 0
    first = await version(bot, action_id)
    await click(bot, LISA.id, action_id, ids.APPROVE, role=Role.LEGAL)  # refused: not legal
    assert await version(bot, action_id) == first
    await click(bot, ROBERT.id, action_id, ids.APPROVE, role=Role.EXEC)
    assert await version(bot, action_id) == first + 1
    await cards.sync(bot.room.deps, action_id)  # a refresh after a change made elsewhere
    assert await version(bot, action_id) == first + 2


async def test_a_rewrite_sends_what_is_stored_not_the_rendering_it_was_given(
    bot: Harness,
) -> None:
    action = await apology(bot)
    action_id, deps = action.id or 0, bot.room.deps
    old = await cards.render(deps, action_id)  # before Robert approves
    await click(bot, ROBERT.id, action_id, ids.APPROVE, role=Role.EXEC)
    assert all(ROBERTS in text for text in await every_copy(bot, action_id))
    updates = len(bot.double.calls_to("chat.update"))
    await cards.rewrite(deps, old)  # every copy already shows the newest: nothing is sent
    assert len(bot.double.calls_to("chat.update")) == updates
    assert all(ROBERTS in text for text in await every_copy(bot, action_id))
    settled = await cards.settle(deps, old)
    assert settled.version == await version(bot, action_id) > old.version


async def test_a_rendering_older_than_the_stored_version_is_never_left_alone(
    bot: Harness,
) -> None:
    action = await apology(bot)
    action_id, deps = action.id or 0, bot.room.deps
    old = await cards.render(deps, action_id)
    newer = await cards.render(deps, action_id)
    updates = len(bot.double.calls_to("chat.update"))
    assert await cards.show(deps, newer) == newer  # the newest: written once, nothing more
    assert len(bot.double.calls_to("chat.update")) == updates + len(newer.copies)
    assert (await cards.show(deps, old)).version == newer.version  # rewritten from the store


@asynccontextmanager
async def second_process(harness: Harness) -> AsyncIterator[CrisisRoom]:
    """Another bot on the same database and the same Slack (its own in-process card locks)."""
    factory = make_session_factory(harness.room.engine)
    other = create_app(harness.settings, clock=harness.clock, session_factory=factory)
    await other.start()
    try:
        yield other
    finally:
        await other.stop()


async def test_a_late_refresh_from_another_process_is_rewritten(bot: Harness) -> None:
    action = await apology(bot)
    action_id = action.id or 0
    async with second_process(bot) as other:
        old = await cards.render(other.deps, action_id)  # the other process reads the card…
        await click(bot, ROBERT.id, action_id, ids.APPROVE, role=Role.EXEC)
        await cards.show(other.deps, old)  # …and its rewrite lands after this one's
    assert all(ROBERTS in text for text in await every_copy(bot, action_id))


async def test_two_processes_refreshing_at_once_leave_the_newest_on_top(bot: Harness) -> None:
    action = await apology(bot)
    action_id = action.id or 0
    bot.double.latency = 0.01  # each Slack call takes a while, so refreshes overlap
    try:
        async with second_process(bot) as other:
            for user, role in ((ROBERT.id, Role.EXEC), (DAVID.id, Role.LEGAL)):
                await asyncio.gather(
                    click(bot, user, action_id, ids.APPROVE, role=role, settle=False),
                    cards.sync(other.deps, action_id),
                    cards.sync(other.deps, action_id),
                )
                await bot.settle()
    finally:
        bot.double.latency = 0.0
    for text in await every_copy(bot, action_id):
        assert ROBERTS in text and "approved by @David Kim" in text, text
        assert "[Approve as" not in text, text  # the buttons are gone
