"""The worker's retry rules, and the outbox's compare-and-set (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from app.clock import FakeClock
from app.errors import SlackFailure
from app.flows.outbox_worker import BACKOFF_MAX, MAX_ATTEMPTS, next_try, retry_after
from app.outbox import service as outbox
from app.outbox.models import OutboxKind, OutboxRow
from app.store.engine import SessionFactory


def test_transient_errors_back_off_exponentially_and_stop_after_the_last_try() -> None:
    now = FakeClock().now()
    waits = [next_try(now, attempts=n, error="connection_failed", wait=None) for n in (1, 2, 3)]
    assert [w - now for w in waits if w] == [timedelta(seconds=s) for s in (2, 4, 8)]
    late = next_try(now, attempts=MAX_ATTEMPTS - 1, error="x", wait=None)
    assert late is not None and late - now <= timedelta(seconds=BACKOFF_MAX)
    assert next_try(now, attempts=MAX_ATTEMPTS, error="connection_failed", wait=None) is None


def test_retry_after_is_honoured_and_permanent_errors_stop_at_once() -> None:
    now = FakeClock().now()
    assert next_try(now, attempts=1, error="ratelimited", wait=30) == now + timedelta(seconds=30)
    assert next_try(now, attempts=1, error="message_not_found", wait=None) is None
    assert next_try(now, attempts=1, error="is_archived", wait=None) is None


def test_retry_after_is_read_from_slacks_answer() -> None:
    class Response:
        headers: ClassVar[dict[str, list[str]]] = {"retry-after": ["17"]}

    class Cause(Exception):
        response = Response()

    failure = SlackFailure("I couldn't update the message.", error="ratelimited")
    failure.__cause__ = Cause()
    assert retry_after(failure) == 17.0
    assert retry_after(SlackFailure("no cause", error="x")) is None


async def test_done_never_moves_back_and_a_lease_keeps_others_off(
    db: SessionFactory, clock: FakeClock
) -> None:
    now = clock.now()
    async with db.begin() as session:
        await outbox.add(session, OutboxKind.HOME, now=now, user_id="U0A", want=3)
    async with db() as session:
        [row_id] = await outbox.ids_of(session, OutboxKind.HOME)
    async with db.begin() as session:
        assert await outbox.take(session, row_id, owner="a", now=now) is not None
    async with db.begin() as session:
        assert await outbox.take(session, row_id, owner="b", now=now) is None  # leased
        assert await outbox.finish(session, row_id, owner="b", version=3, now=now) is None
    async with db.begin() as session:
        row = await outbox.finish(session, row_id, owner="a", version=3, now=now)
        assert row is not None and row.done_version == 3 and not row.stale
        await outbox.want_next(session, OutboxKind.HOME, user_ids=["U0A"])
    async with db.begin() as session:
        assert await outbox.take(session, row_id, owner="b", now=now) is not None
        row = await outbox.finish(session, row_id, owner="b", version=2, now=now)  # older
        assert row is not None and row.done_version == 3 and row.stale  # never backwards
    async with db() as session:
        stored = await session.get(OutboxRow, row_id)
        assert stored is not None and (stored.want_version, stored.done_version) == (4, 3)
        assert (await outbox.backlog(session))[0] == 1
