"""What Slack shows ends up right when Slack fails (SQLite and PostgreSQL): card copies after
500s and 429s, two processes clicking under slow Slack, the lead told once when the tries run
out, the brief of an open that Slack refused, a dead worker's lease."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import select

from app.approvals.forms import DecisionValue
from app.approvals.models import Decision
from app.flows import approvals
from app.flows.outbox_worker import MAX_ATTEMPTS
from app.harness import Harness
from app.harness.seed import DAVID, MARIA, ROBERT
from app.incidents.models import Incident
from app.outbox import service as outbox
from app.outbox.models import OutboxKind, OutboxRow
from app.roles.models import Role
from app.slack import ids
from tests.approvals.test_card_versions import second_process
from tests.conftest import BACKENDS
from tests.databases import harness_on
from tests.scenarios.approvals_helpers import click, copies, seed_apology, shown
from tests.scenarios.conftest import crisis, last_private, seed_roles

ROBERTS = "approved by @Robert Chen"
DAVIDS = "approved by @David Kim"


@pytest.fixture(params=BACKENDS)
async def bot(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Harness]:
    async with harness_on(request.param, tmp_path) as running:
        yield running


async def every_copy(harness: Harness, action_id: int) -> list[str]:
    return [shown(harness, copy) for copy in await copies(harness, action_id)]


async def rows(harness: Harness, kind: OutboxKind) -> list[OutboxRow]:
    async with harness.db() as session:
        query = select(OutboxRow).where(OutboxRow.kind == kind.value)
        return list((await session.exec(query)).all())


async def test_a_card_copy_ends_right_after_500s_then_a_429(bot: Harness) -> None:
    _, action = await seed_apology(bot, details="We are sorry.")
    action_id = action.id or 0
    bot.double.fault("chat.update", "server_error", times=40)  # beyond slack-sdk's retries
    await click(bot, ROBERT.id, action_id, ids.APPROVE, role=Role.EXEC)
    assert not any(ROBERTS in text for text in await every_copy(bot, action_id))
    assert all(row.last_error and row.stale for row in await rows(bot, OutboxKind.CARD_COPY))
    bot.double.clear_faults()
    bot.double.fault("chat.update", "rate_limited", times=1, retry_after=0)
    await bot.room.tick()  # not yet: the backoff has not ended
    assert not any(ROBERTS in text for text in await every_copy(bot, action_id))
    bot.clock.advance(3)
    await bot.room.tick()
    assert all(ROBERTS in text for text in await every_copy(bot, action_id))
    assert not any(row.stale for row in await rows(bot, OutboxKind.CARD_COPY))
    assert [c.fault for c in bot.double.calls_to("chat.update") if c.fault][-1] == "rate_limited"


async def test_two_processes_clicking_under_slow_slack_leave_every_copy_final(
    bot: Harness,
) -> None:
    _, action = await seed_apology(bot, details="We are sorry.")
    action_id = action.id or 0
    bot.double.latency = 0.05  # each Slack call takes a while, so the two processes overlap
    try:
        async with second_process(bot) as other:
            value = DecisionValue(action_id, 1, Role.LEGAL)
            await asyncio.gather(
                click(bot, ROBERT.id, action_id, ids.APPROVE, role=Role.EXEC, settle=False),
                approvals.decide(other.deps, value, Decision.APPROVE, by=DAVID.id),
            )
            await bot.settle()
    finally:
        bot.double.latency = 0.0
    texts = await every_copy(bot, action_id)
    assert len(texts) >= 2
    for text in texts:
        assert ROBERTS in text and DAVIDS in text, text
        assert "[Approve as" not in text, text  # no buttons on an approved action


async def test_when_the_tries_run_out_the_lead_is_told_once(bot: Harness) -> None:
    _, action = await seed_apology(bot, details="We are sorry.")
    action_id = action.id or 0
    bot.double.fault("chat.update", "error", times=500, error="fatal_error")
    await click(bot, ROBERT.id, action_id, ids.APPROVE, role=Role.EXEC)
    for _ in range(MAX_ATTEMPTS + 3):
        bot.clock.advance(400)
        await bot.room.tick()
    told = [m.text for m in bot.double.dms(MARIA.id) if "could not update" in m.text]
    stale = await rows(bot, OutboxKind.CARD_COPY)
    assert len(told) == len(stale) >= 2  # once per copy, however many passes follow
    assert all(f"A-{action_id}" in text and "INC-1" in text for text in told)
    assert any("in the war room" in text for text in told)
    assert all(row.told_at and row.retry_at is None for row in stale)
    bot.double.clear_faults()
    await click(bot, DAVID.id, action_id, ids.APPROVE, role=Role.LEGAL)  # the next change
    assert all(DAVIDS in text for text in await every_copy(bot, action_id))


async def test_a_500_on_the_brief_still_tells_the_number_and_the_brief_follows(
    bot: Harness,
) -> None:
    await seed_roles(bot)
    bot.double.fault("chat.postMessage", "server_error", times=3)
    await crisis(bot, MARIA.id, "open Warehouse fire rumours")
    async with bot.db() as session:
        [incident] = (await session.exec(select(Incident))).all()
    told = last_private(bot, MARIA.id)
    assert "INC-1" in told and f"<#{incident.channel_id}>" in told
    assert "brief" in told and "keep trying" in told
    assert incident.brief_ts is None and bot.double.pins(incident.channel_id) == []
    assert "INC-1" in bot.double.channel(incident.channel_id).topic
    bot.clock.advance(3)
    await bot.room.tick()
    async with bot.db() as session:
        fresh = await session.get(Incident, incident.id, populate_existing=True)
    assert fresh is not None and fresh.brief_ts is not None
    [pinned] = bot.double.pins(incident.channel_id)
    assert pinned.ts == fresh.brief_ts
    briefs = [m for m in bot.double.messages(incident.channel_id) if m.ts == fresh.brief_ts]
    assert briefs and "Warehouse fire rumours" in str(briefs[0].blocks)


async def test_a_row_leased_by_a_dead_worker_is_taken_after_its_lease(bot: Harness) -> None:
    await seed_roles(bot)
    await crisis(bot, MARIA.id, "open Lease test")
    [brief] = await rows(bot, OutboxKind.BRIEF)
    async with bot.db.begin() as session:  # a worker takes it, then its process dies
        await outbox.want_next(session, OutboxKind.BRIEF, subject_id=brief.subject_id)
        assert await outbox.take(session, brief.id or 0, owner="dead", now=bot.clock.now())
    await bot.room.tick()
    [held] = await rows(bot, OutboxKind.BRIEF)
    assert held.stale and held.claimed_by == "dead"
    bot.clock.advance(outbox.LEASE.total_seconds() + 1)
    await bot.room.tick()
    [taken] = await rows(bot, OutboxKind.BRIEF)
    assert not taken.stale and taken.claimed_by is None
    assert taken.done_version == held.want_version


@pytest.mark.parametrize("fault", ["drop", "late"])
async def test_a_brief_whose_answer_is_lost_is_posted_and_pinned_once(
    bot: Harness, fault: str
) -> None:
    await seed_roles(bot)
    bot.double.fault("chat.postMessage", fault, times=1)  # Slack posts it; the answer is lost
    await crisis(bot, MARIA.id, "open Warehouse fire rumours")
    bot.clock.advance(3)
    await bot.room.tick()
    async with bot.db() as session:
        [incident] = (await session.exec(select(Incident))).all()
    said = [m for m in bot.double.messages(incident.channel_id) if m.blocks]
    briefs = [m for m in said if "Warehouse fire rumours" in str(m.blocks)]
    assert len(briefs) == 1 and incident.brief_ts == briefs[0].ts
    assert [pin.ts for pin in bot.double.pins(incident.channel_id)] == [briefs[0].ts]


async def test_copies_an_older_release_posted_are_adopted_at_start(bot: Harness) -> None:
    """A rolling upgrade across migration 0012: an old replica posts a card without an outbox
    row; a new replica's start gives it one, so the card's next change reaches it."""
    _, action = await seed_apology(bot, details="We are sorry.")
    action_id = action.id or 0
    async with bot.db.begin() as session:  # as if an old replica had posted these copies
        for row in (await session.exec(select(OutboxRow))).all():
            await session.delete(row)
    async with second_process(bot):  # a new replica starts
        pass
    [brief] = await rows(bot, OutboxKind.BRIEF)
    assert not brief.stale
    await click(bot, ROBERT.id, action_id, ids.APPROVE, role=Role.EXEC)
    assert all(ROBERTS in text for text in await every_copy(bot, action_id))
