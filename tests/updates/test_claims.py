"""Claims on SQLite and PostgreSQL: a reminder is won by exactly one sender, and never lost."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from app.clock import FakeClock
from app.store.engine import SessionFactory
from app.updates import claims
from app.updates.claims import ReminderKey
from app.updates.models import ReminderKind
from tests.factories import stored_incident


@pytest.fixture
async def key(db: SessionFactory, clock: FakeClock) -> ReminderKey:
    incident = await stored_incident(db, at=clock.now())
    assert incident.id is not None and incident.next_update_due is not None
    return ReminderKey(incident.id, incident.next_update_due, ReminderKind.NUDGE, "C0WAR")


async def claim(db: SessionFactory, key: ReminderKey, clock: FakeClock, token: str) -> bool:
    async with db.begin() as session:
        return await claims.claim(session, key, token=token, now=clock.now())


async def sent(db: SessionFactory, key: ReminderKey, clock: FakeClock, token: str) -> bool:
    async with db.begin() as session:
        return await claims.mark_sent(session, key, token=token, now=clock.now(), ts="1.0")


async def failed(db: SessionFactory, key: ReminderKey, clock: FakeClock, token: str) -> None:
    async with db.begin() as session:
        await claims.release(session, key, token=token, now=clock.now(), error="fatal_error")


async def test_many_senders_at_once_one_wins(
    db: SessionFactory, clock: FakeClock, key: ReminderKey
) -> None:
    for round_ in range(10):
        round_key = ReminderKey(key.incident_id, key.due_at, key.kind, f"C{round_}")
        won = await asyncio.gather(*(claim(db, round_key, clock, f"t{i}") for i in range(6)))
        assert sorted(won) == [False] * 5 + [True]


async def test_a_sent_reminder_is_never_claimed_again(
    db: SessionFactory, clock: FakeClock, key: ReminderKey
) -> None:
    assert await claim(db, key, clock, "a")
    assert await sent(db, key, clock, "a")
    clock.advance(timedelta(days=1))
    assert not await claim(db, key, clock, "b")


async def test_a_failed_send_is_retried_on_the_next_tick_then_with_backoff(
    db: SessionFactory, clock: FakeClock, key: ReminderKey
) -> None:
    assert await claim(db, key, clock, "a")
    await failed(db, key, clock, "a")
    assert await claim(db, key, clock, "b")  # at once: the next tick
    await failed(db, key, clock, "b")
    assert not await claim(db, key, clock, "c")  # second failure: wait 2 s
    clock.advance(2)
    assert await claim(db, key, clock, "c")
    assert await sent(db, key, clock, "c")
    async with db() as session:
        [row] = await claims.for_period(session, key.incident_id, key.due_at)
    assert row.attempts == 2 and row.sent_at == clock.now() and row.claimed_by is None


async def test_a_claim_held_by_a_crashed_sender_is_taken_back_after_the_lease(
    db: SessionFactory, clock: FakeClock, key: ReminderKey
) -> None:
    assert await claim(db, key, clock, "crashed")
    clock.advance(claims.CLAIM_LEASE - timedelta(seconds=1))
    assert not await claim(db, key, clock, "b")
    clock.advance(2)
    assert await claim(db, key, clock, "b")
    assert not await sent(db, key, clock, "crashed")  # its claim is no longer its own
    assert await sent(db, key, clock, "b")


async def test_only_the_claimant_can_release_or_mark(
    db: SessionFactory, clock: FakeClock, key: ReminderKey
) -> None:
    assert await claim(db, key, clock, "a")
    await failed(db, key, clock, "intruder")
    assert not await sent(db, key, clock, "intruder")
    assert not await claim(db, key, clock, "b")
    assert await sent(db, key, clock, "a")


def test_backoff_starts_at_the_next_tick_and_is_capped() -> None:
    assert [claims.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [0, 2, 4, 8]
    assert claims.backoff(40).total_seconds() == claims.MAX_BACKOFF_SECONDS
