"""The OAuth state store (app/slack/oauth_states.py), on SQLite and PostgreSQL: a state this bot
issued is good once, for ten minutes; any other is refused."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from app.clock import FakeClock
from app.slack.install_tables import OAuthState
from app.slack.oauth_states import STATE_MINUTES, DatabaseStateStore
from app.store.engine import SessionFactory


async def test_a_state_is_good_once(db: SessionFactory, clock: FakeClock) -> None:
    store = DatabaseStateStore(db, clock)
    state = await store.async_issue()
    assert len(state) >= 40  # 32 random bytes, URL-safe
    assert await store.async_consume(state)
    assert not await store.async_consume(state)  # a replayed return from Slack
    assert not await store.async_consume("never-issued")


async def test_a_state_expires_and_old_ones_are_swept(db: SessionFactory, clock: FakeClock) -> None:
    store = DatabaseStateStore(db, clock)
    old = await store.async_issue()
    clock.advance(timedelta(minutes=STATE_MINUTES, seconds=1))
    assert not await store.async_consume(old)  # too late: the person starts again
    stale = await store.async_issue()
    clock.advance(timedelta(minutes=STATE_MINUTES, seconds=1))
    fresh = await store.async_issue()  # issuing sweeps the expired ones
    async with db() as session:
        kept = [row.state for row in (await session.exec(select(OAuthState))).all()]
    assert kept == [fresh] and stale not in kept
