"""Claims on SQLite and PostgreSQL: a reminder is won by exactly one sender, never lost, and
taken over within seconds when its owner stops beating."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from app.clock import FakeClock
from app.store.engine import SessionFactory
from app.updates import claims
from app.updates.claims import Claimed, ReminderKey
from app.updates.models import Reminder, ReminderKind
from tests.factories import stored_incident


@dataclass
class Senders:
    """Processes claiming one reminder; remembers the claim each one last won."""

    db: SessionFactory
    clock: FakeClock
    key: ReminderKey
    won: dict[str, Claimed] = field(default_factory=dict)

    async def claim(self, owner: str, key: ReminderKey | None = None) -> bool:
        async with self.db.begin() as session:
            won = await claims.claim(session, key or self.key, owner=owner, now=self.clock.now())
        if won is not None:
            self.won[owner] = won
        return won is not None

    def held(self, owner: str) -> Claimed:
        now = self.clock.now()
        return self.won.get(owner) or Claimed(at=now, since=now, unknown=False)

    async def sent(self, owner: str) -> bool:
        async with self.db.begin() as session:
            return await claims.mark_sent(
                session,
                self.key,
                owner=owner,
                claimed=self.held(owner),
                now=self.clock.now(),
                ts="1.0",
            )

    async def failed(self, owner: str, *, unknown: bool = False) -> None:
        async with self.db.begin() as session:
            await claims.release(
                session,
                self.key,
                owner=owner,
                claimed=self.held(owner),
                now=self.clock.now(),
                error="connection_failed" if unknown else "channel_not_found",
                unknown=unknown,
            )

    async def beat(self, owner: str) -> int:
        async with self.db.begin() as session:
            return await claims.heartbeat(session, owner=owner, now=self.clock.now())

    async def row(self) -> Reminder:
        async with self.db() as session:
            [found] = await claims.for_period(session, self.key.incident_id, self.key.due_at)
        return found


@pytest.fixture
async def senders(db: SessionFactory, clock: FakeClock) -> Senders:
    incident = await stored_incident(db, at=clock.now())
    assert incident.id is not None and incident.next_update_due is not None
    key = ReminderKey(incident.id, incident.next_update_due, ReminderKind.NUDGE, "C0WAR")
    return Senders(db, clock, key)


async def test_many_senders_at_once_one_wins(senders: Senders) -> None:
    key = senders.key
    for round_ in range(10):
        round_key = ReminderKey(key.incident_id, key.due_at, key.kind, f"C{round_}")
        won = await asyncio.gather(*(senders.claim(f"t{i}", round_key) for i in range(6)))
        assert sorted(won) == [False] * 5 + [True]


async def test_a_sent_reminder_is_never_claimed_again(senders: Senders) -> None:
    assert await senders.claim("a")
    assert await senders.sent("a")
    senders.clock.advance(timedelta(days=1))
    assert not await senders.claim("b")


async def test_a_failed_send_is_retried_on_the_next_tick_then_with_backoff(
    senders: Senders,
) -> None:
    assert await senders.claim("a")
    await senders.failed("a")
    assert await senders.claim("b")  # at once: the next tick
    await senders.failed("b")
    assert not await senders.claim("c")  # second failure: wait 2 s
    senders.clock.advance(2)
    assert await senders.claim("c")
    assert not senders.won["c"].unknown  # both failures were answers: nothing to look up
    assert await senders.sent("c")
    row = await senders.row()
    assert row.attempts == 2 and row.sent_at == senders.clock.now() and row.claimed_by is None


async def test_a_live_owner_keeps_its_claim_and_a_silent_one_loses_it_in_seconds(
    senders: Senders,
) -> None:
    assert await senders.claim("alive")
    for _ in range(6):  # half a minute of beats every 5 s: nobody takes it
        senders.clock.advance(claims.HEARTBEAT_EVERY)
        assert await senders.beat("alive") == 1
        assert not await senders.claim("other")
    senders.clock.advance(claims.STALE_AFTER)  # it stops beating
    assert not await senders.claim("other")
    senders.clock.advance(timedelta(seconds=1))
    assert await senders.claim("other")
    taken = senders.won["other"]
    assert taken.unknown  # the silent owner may have posted it: look before sending
    assert taken.since == senders.won["alive"].since  # the first claim's time
    assert not await senders.sent("alive")  # its claim is no longer its own
    assert await senders.beat("alive") == 0
    assert await senders.sent("other")


async def test_a_claim_whose_release_was_lost_is_taken_over_although_its_owner_lives(
    senders: Senders,
) -> None:
    """The database refused the release (an outage mid-send): the live owner stops beating a
    claim older than any attempt, so it is taken over in seconds, not after the lease."""
    assert await senders.claim("alive")
    beats = []
    for _ in range(12):
        senders.clock.advance(claims.HEARTBEAT_EVERY)
        beats.append(await senders.beat("alive"))
    assert beats[:8] == [1] * 8 and beats[-2:] == [0, 0]  # no attempt lasts 45 s
    senders.clock.advance(timedelta(seconds=1))  # 15 s after its last beat
    assert await senders.claim("other")
    assert senders.won["other"].unknown  # it may have been posted: look before sending


async def test_a_claim_never_beaten_is_taken_back_after_the_lease(senders: Senders) -> None:
    """A claim written before heartbeats existed (rolling upgrade) keeps the old lease."""
    assert await senders.claim("old")
    async with senders.db.begin() as session:
        row = await session.get(Reminder, (await senders.row()).id)
        assert row is not None
        row.heartbeat_at = None
        session.add(row)
    senders.clock.advance(claims.CLAIM_LEASE - timedelta(seconds=1))
    assert not await senders.claim("new")
    senders.clock.advance(timedelta(seconds=2))
    assert await senders.claim("new")


async def test_an_unknown_outcome_is_kept_for_the_next_claimant(senders: Senders) -> None:
    assert await senders.claim("a")
    await senders.failed("a", unknown=True)
    assert await senders.claim("b")
    assert senders.won["b"].unknown
    await senders.failed("b")  # this time Slack answered: it is not there
    senders.clock.advance(2)
    assert await senders.claim("c")
    assert not senders.won["c"].unknown


async def test_only_the_claimant_can_release_or_mark(senders: Senders) -> None:
    assert await senders.claim("a")
    await senders.failed("intruder")
    assert not await senders.sent("intruder")
    assert not await senders.claim("b")
    assert await senders.sent("a")


async def test_the_heartbeat_touches_only_the_owners_unsent_claims(senders: Senders) -> None:
    assert await senders.beat("a") == 0  # holds nothing: nothing written
    assert await senders.claim("a")
    other = ReminderKey(senders.key.incident_id, senders.key.due_at, senders.key.kind, "C0B")
    assert await senders.claim("b", other)
    senders.clock.advance(3)
    assert await senders.beat("a") == 1
    async with senders.db() as session:
        rows = await claims.for_period(session, other.incident_id, other.due_at)
    beats = {row.claimed_by: row.heartbeat_at for row in rows}
    start = senders.clock.now() - timedelta(seconds=3)
    assert beats == {"a": senders.clock.now(), "b": start}


def test_the_effect_id_is_the_reminder_not_the_attempt() -> None:
    due = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    key = ReminderKey(12, due, ReminderKind.NUDGE, "C123")
    assert key.effect == "nudge:INC-12:2026-12-01T10:00:00Z:C123"
    dm = ReminderKey(12, due, ReminderKind.ESCALATION, "U0LISA")
    assert dm.effect == "escalation:INC-12:2026-12-01T10:00:00Z:U0LISA"


def test_backoff_starts_at_the_next_tick_and_is_capped() -> None:
    assert [claims.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [0, 2, 4, 8]
    assert claims.backoff(40).total_seconds() == claims.MAX_BACKOFF_SECONDS
