"""Record checkpoints: every N entries and hourly while open, posted once across processes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlmodel import select

from app.approvals.policy import DEFAULT_POLICY
from app.clock import FakeClock
from app.flows.checkpoints import post_checkpoints
from app.flows.deps import Deps
from app.harness import Harness, start_harness
from app.harness.seed import DAVID, MARIA
from app.record.anchors import parse
from app.record.checkpoints import ChainState, RecordCheckpoint, owed
from app.settings import load_settings
from app.store.engine import SessionFactory
from tests.record.helpers import add, draft_of, message, new_incident, rows
from tests.record.scenario import open_war_room, record_of, settle_all
from tests.scenarios.conftest import crisis
from tests.updates.processes import RecordingSlack

CHECKPOINTS = "C0CHECKS"
OPENED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def state(
    head: int, last: int = 0, *, at: datetime | None = None, is_open: bool = True
) -> ChainState:
    return ChainState(1, head, is_open, OPENED, last_seq=last, last_at=at)


def test_every_nth_entry_is_owed_once() -> None:
    now = OPENED + timedelta(minutes=5)
    assert owed(state(99), every=100, now=now) is None
    assert owed(state(100), every=100, now=now) == 100
    assert owed(state(257, 100, at=now), every=100, now=now) == 200  # the latest multiple
    assert owed(state(257, 200, at=now), every=100, now=now) is None


def test_an_hour_without_a_checkpoint_owes_one_at_the_head_while_open() -> None:
    hour_later = OPENED + timedelta(hours=1)
    assert owed(state(7), every=100, now=hour_later - timedelta(seconds=1)) is None
    assert owed(state(7), every=100, now=hour_later) == 7
    assert owed(state(7, 7, at=hour_later), every=100, now=hour_later + timedelta(hours=2)) is None
    assert owed(state(9, 7, at=hour_later), every=100, now=hour_later + timedelta(hours=1)) == 9
    closed = state(9, 7, at=hour_later, is_open=False)
    assert owed(closed, every=100, now=hour_later + timedelta(days=1)) is None


# -- two processes on one database (SQLite and PostgreSQL) -----------------------------------


def process(db: SessionFactory, clock: FakeClock, slack: RecordingSlack, *, every: int = 5) -> Deps:
    settings = load_settings(
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET="s",
        CRISIS_CHECKPOINT_CHANNEL=CHECKPOINTS,
        CRISIS_CHECKPOINT_EVERY=every,
    )
    return Deps(
        settings=settings,
        slack=slack,  # type: ignore[arg-type]
        db=db,
        clock=clock,
        scheduler=AsyncIOScheduler(timezone="UTC"),
        policy=DEFAULT_POLICY,
    )


async def grow(
    db: SessionFactory, clock: FakeClock, incident_id: int, start: int, count: int
) -> None:
    for n in range(start, start + count):
        await add(db, incident_id, draft_of(message(f"1763733600.{n:06d}", f"said {n}")), clock)


async def test_two_processes_post_each_checkpoint_once(
    db: SessionFactory, clock: FakeClock
) -> None:
    first_incident = await new_incident(db, clock, channel="C0ONE")
    second_incident = await new_incident(db, clock, channel="C0TWO")
    one, two = RecordingSlack(delay=0.01), RecordingSlack(delay=0.01)
    first, second = process(db, clock, one), process(db, clock, two)
    for round_ in range(4):
        await grow(db, clock, first_incident.id, round_ * 10, 6)
        await grow(db, clock, second_incident.id, round_ * 10, 3)
        clock.advance(timedelta(minutes=40))
        await asyncio.gather(*(post_checkpoints(p) for p in (first, second, first, second)))
    posted = [a for _, text in one.posts + two.posts for a in parse(text)]
    keys = [(a.incident_id, a.seq) for a in posted]
    assert len(keys) == len(set(keys)) and all(ch == CHECKPOINTS for ch, _ in one.posts + two.posts)
    assert sorted(seq for incident, seq in keys if incident == first_incident.id) == [5, 10, 15, 25]
    assert sorted(seq for incident, seq in keys if incident == second_incident.id) == [5, 10]
    stored = {
        (row["incident_id"], row["seq"]): row["hash"]
        for incident in (first_incident, second_incident)
        for row in await rows(db, incident.id)
    }
    assert all(stored[(a.incident_id, a.seq)] == a.hash for a in posted)


async def test_a_failed_post_is_released_and_the_next_pass_posts_it(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident = await new_incident(db, clock)
    await grow(db, clock, incident.id, 1, 4)  # entry 5
    failing, working = RecordingSlack(failures=["channel_not_found"]), RecordingSlack()
    assert await post_checkpoints(process(db, clock, failing)) == 0
    async with db() as session:
        [row] = (await session.exec(select(RecordCheckpoint))).all()
    assert (
        row.posted_at is None and row.claimed_by is None and row.last_error == "channel_not_found"
    )
    assert await post_checkpoints(process(db, clock, working)) == 1
    assert await post_checkpoints(process(db, clock, working)) == 0
    [anchor] = parse(working.to(CHECKPOINTS)[0])
    assert (anchor.incident_id, anchor.seq) == (incident.id, 5)


# -- through the running bot, against the Slack double --------------------------------------


@pytest.fixture
async def bot(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    running = await start_harness(
        database_url=f"sqlite:///{tmp_path / 'crisis.db'}",
        clock=clock,
        CRISIS_CHECKPOINT_CHANNEL=CHECKPOINTS,
        CRISIS_CHECKPOINT_EVERY=10,
    )
    members = [running.double.bot_user_id, DAVID.id]
    running.double.add_channel(
        "legal-checkpoints", is_private=True, members=members, id=CHECKPOINTS
    )
    try:
        yield running
    finally:
        await running.stop()


def checkpoints(harness: Harness) -> list:
    return [a for m in harness.double.messages(CHECKPOINTS) for a in parse(m.text)]


async def test_the_bot_posts_a_checkpoint_every_n_entries_and_hourly(bot: Harness) -> None:
    incident = await open_war_room(bot)
    while len(await record_of(bot, incident.id)) < 10:
        bot.double.post_as(MARIA.id, incident.channel_id, "Holding statement drafted")
        await settle_all(bot)
    await bot.room.tick()
    [tenth] = checkpoints(bot)
    stored = {row["seq"]: row["hash"] for row in await record_of(bot, incident.id)}
    assert (tenth.incident_id, tenth.seq, tenth.hash) == (incident.id, 10, stored[10])
    await bot.room.tick()
    assert len(checkpoints(bot)) == 1  # nothing new owed
    bot.double.post_as(MARIA.id, incident.channel_id, "Statement is live")
    await settle_all(bot)
    before = max(row["seq"] for row in await record_of(bot, incident.id))
    bot.clock.advance(timedelta(hours=1))
    await bot.room.tick()  # the same tick may nudge for an update: that entry can come after
    await settle_all(bot)
    stored = {row["seq"]: row["hash"] for row in await record_of(bot, incident.id)}
    [_, hourly] = checkpoints(bot)
    assert hourly.seq >= before > 10 and hourly.hash == stored[hourly.seq]
    bot.double.post_as(MARIA.id, incident.channel_id, "Monitoring sentiment")
    await settle_all(bot)
    bot.clock.advance(timedelta(minutes=59))
    await bot.room.tick()
    assert len(checkpoints(bot)) == 2  # new entries, but less than an hour since the last


async def test_no_checkpoints_without_a_channel(harness: Harness) -> None:
    incident = await open_war_room(harness)
    for n in range(12):
        harness.double.post_as(MARIA.id, incident.channel_id, f"update {n}")
    await settle_all(harness)
    harness.clock.advance(timedelta(hours=2))
    await harness.room.tick()
    posts = [str(call.args.get("text")) for call in harness.double.calls_to("chat.postMessage")]
    assert posts and not [text for text in posts if "Record checkpoint" in text]
    async with harness.db() as session:
        assert (await session.exec(select(RecordCheckpoint))).all() == []


async def test_a_resolved_incident_gets_no_hourly_checkpoint(bot: Harness) -> None:
    incident = await open_war_room(bot)
    await crisis(bot, MARIA.id, "resolve Video taken down", channel=incident.channel_id)
    await settle_all(bot)
    bot.clock.advance(timedelta(hours=2))
    await bot.room.tick()
    head = max(row["seq"] for row in await record_of(bot, incident.id))
    assert head > 10
    assert [a.seq for a in checkpoints(bot)] == [head // 10 * 10]  # every 10th, never hourly
