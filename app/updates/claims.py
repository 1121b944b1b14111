"""Claiming a reminder in the database before sending it, so it is sent exactly once.

A reminder (one nudge, one escalation DM, one escalation note) is identified by its incident,
due period, kind and recipient, and that key is unique. To send it a process must first win the
row: insert it already claimed, or take it back when it is unsent, not waiting for a retry, and
free: unclaimed, or claimed by a process that stopped beating. The claim is committed before
the Slack call. Afterwards the sender marks it sent, or releases it with a backoff so a later
tick retries it. Two processes sharing a database therefore never both send.

Owner and heartbeat: `claimed_by` is the claiming process (`Deps.owner`), which refreshes
`heartbeat_at` on all its claims every `HEARTBEAT_EVERY` while it runs (`heartbeat`, one
UPDATE). A claim whose heartbeat is older than `STALE_AFTER` belongs to a process that died
(or froze) mid-send, and another process takes it over. Three missed beats, not one, so a busy
database or event loop does not hand over a live claim; and 15 s is short next to the 5 minutes
the old lease cost. A live process never holds a claim longer than a look's timeout (30 s), so
`CLAIM_LEASE` stays as a backstop: a claim older than that is free whatever its heartbeat (and
is the only rule for claims written before heartbeats existed).

Unknown outcomes: `attempt_started_at` is set while an attempt is in flight and kept when it
ended without an answer (timeout, dropped connection, crash). Whoever claims such a row gets
`Claimed.unknown` and must look the message up in Slack (app/flows/effects.py) before posting.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from app.updates.models import Reminder, ReminderKind

CLAIM_LEASE = timedelta(minutes=5)
HEARTBEAT_EVERY = timedelta(seconds=5)
STALE_AFTER = timedelta(seconds=15)
# No attempt lasts longer (a reminder look has 30 s: app/flows/reminder_pass.py): an older
# claim of a live process is one whose release was lost (the database refused it), and its
# heartbeat stops so it is taken over like a dead process's, not after the whole lease.
ATTEMPT_AT_MOST = timedelta(seconds=45)
MAX_BACKOFF_SECONDS = 300


@dataclass(frozen=True)
class ReminderKey:
    incident_id: int
    due_at: datetime
    kind: ReminderKind
    recipient: str

    @property
    def effect(self) -> str:
        """The reminder's id on Slack (message metadata): the same for every attempt."""
        due = self.due_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"{self.kind.value}:INC-{self.incident_id}:{due}:{self.recipient}"


@dataclass(frozen=True)
class Claimed:
    """A claim won: `at` tells this attempt apart, `since` is when the reminder was first
    claimed, `unknown` that an earlier attempt may have reached Slack."""

    at: datetime
    since: datetime
    unknown: bool


def new_token() -> str:
    return secrets.token_hex(8)


def new_owner() -> str:
    """An id for one running process: host, pid and a random part (a restart is a new owner)."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(6)}"


def _matches(key: ReminderKey) -> list[ColumnElement[bool]]:
    return [
        col(Reminder.incident_id) == key.incident_id,
        col(Reminder.due_at) == key.due_at,
        col(Reminder.kind) == key.kind.value,
        col(Reminder.recipient) == key.recipient,
    ]


def _free(now: datetime) -> list[ColumnElement[bool]]:
    """Unsent, not waiting for a retry, and unclaimed or held by a process gone quiet."""
    stopped = and_(
        col(Reminder.heartbeat_at).is_not(None), col(Reminder.heartbeat_at) < now - STALE_AFTER
    )
    expired = and_(
        col(Reminder.claimed_at).is_not(None), col(Reminder.claimed_at) < now - CLAIM_LEASE
    )
    return [
        col(Reminder.sent_at).is_(None),
        or_(col(Reminder.claimed_by).is_(None), stopped, expired),
        or_(col(Reminder.retry_at).is_(None), col(Reminder.retry_at) <= now),
    ]


def _mine(key: ReminderKey, owner: str, claimed: Claimed) -> list[ColumnElement[bool]]:
    return [
        *_matches(key),
        col(Reminder.claimed_by) == owner,
        col(Reminder.claimed_at) == claimed.at,
    ]


async def claim(
    session: AsyncSession, key: ReminderKey, *, owner: str, now: datetime
) -> Claimed | None:
    """The claim for exactly one caller while the reminder is unsent; writes before it reads."""
    values = {
        "incident_id": key.incident_id,
        "due_at": key.due_at,
        "kind": key.kind.value,
        "recipient": key.recipient,
        "claimed_by": owner,
        "claimed_at": now,
        "heartbeat_at": now,
        "first_claimed_at": now,
        "attempt_started_at": now,
        "attempts": 0,
    }
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    inserted = await session.exec(
        dialect.insert(Reminder)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["incident_id", "due_at", "kind", "recipient"])
    )
    if inserted.rowcount == 1:
        return Claimed(at=now, since=now, unknown=False)
    taken = await session.exec(
        update(Reminder)
        .where(*_matches(key), *_free(now))
        .values(claimed_by=owner, claimed_at=now, heartbeat_at=now)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return None
    row = await _row(session, key)
    assert row is not None
    claimed = Claimed(
        at=now,
        since=row.first_claimed_at or row.due_at,
        unknown=row.attempt_started_at is not None,
    )
    await session.exec(
        update(Reminder)
        .where(*_mine(key, owner, claimed))
        .values(attempt_started_at=now, first_claimed_at=claimed.since)
        .execution_options(synchronize_session=False)
    )
    return claimed


async def mark_sent(
    session: AsyncSession,
    key: ReminderKey,
    *,
    owner: str,
    claimed: Claimed,
    now: datetime,
    ts: str,
) -> bool:
    """Record the send; False if the claim was no longer ours (it had been taken over)."""
    done = await session.exec(
        update(Reminder)
        .where(*_mine(key, owner, claimed), col(Reminder.sent_at).is_(None))
        .values(
            sent_at=now,
            ts=ts,
            claimed_by=None,
            claimed_at=None,
            heartbeat_at=None,
            attempt_started_at=None,
            retry_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    return done.rowcount == 1


def backoff(attempts: int) -> timedelta:
    """No wait after the first failure (the next tick retries), then 2 s, 4 s … up to 5 min."""
    if attempts <= 1:
        return timedelta(0)
    return timedelta(seconds=min(2 ** (attempts - 1), MAX_BACKOFF_SECONDS))


async def release(
    session: AsyncSession,
    key: ReminderKey,
    *,
    owner: str,
    claimed: Claimed,
    now: datetime,
    error: str,
    unknown: bool,
) -> None:
    """Give the claim back after a failed send, counting the attempt (writes before it reads).
    With `unknown`, Slack may have the message: the next claimant looks it up first."""
    mine = _mine(key, owner, claimed)
    counted = await session.exec(
        update(Reminder)
        .where(*mine)
        .values(attempts=col(Reminder.attempts) + 1, last_error=error[:64])
        .execution_options(synchronize_session=False)
    )
    row = await _row(session, key)
    if counted.rowcount != 1 or row is None:
        return
    await session.exec(
        update(Reminder)
        .where(*mine)
        .values(
            claimed_by=None,
            claimed_at=None,
            heartbeat_at=None,
            attempt_started_at=row.attempt_started_at if unknown else None,
            retry_at=now + backoff(row.attempts),
        )
        .execution_options(synchronize_session=False)
    )


async def heartbeat(session: AsyncSession, *, owner: str, now: datetime) -> int:
    """`owner` is alive: refresh every claim it holds with an attempt that may still be
    running (one UPDATE, and none when it holds nothing, so a read-only database is not
    written to). Returns how many."""
    held = [
        col(Reminder.claimed_by) == owner,
        col(Reminder.sent_at).is_(None),
        col(Reminder.claimed_at) >= now - ATTEMPT_AT_MOST,
    ]
    if (await session.exec(select(Reminder.id).where(*held).limit(1))).first() is None:
        return 0
    beaten = await session.exec(
        update(Reminder)
        .where(*held)
        .values(heartbeat_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(beaten.rowcount or 0)


def free_at(row: Reminder) -> datetime | None:
    """When another process may take this claimed row over; None if it is not claimed."""
    if row.claimed_by is None or row.claimed_at is None:
        return None
    lease_ends = row.claimed_at + CLAIM_LEASE
    if row.heartbeat_at is None:
        return lease_ends
    return min(row.heartbeat_at + STALE_AFTER, lease_ends)


async def _row(session: AsyncSession, key: ReminderKey) -> Reminder | None:
    query = select(Reminder).where(*_matches(key)).execution_options(populate_existing=True)
    return (await session.exec(query)).first()


async def for_period(session: AsyncSession, incident_id: int, due_at: datetime) -> list[Reminder]:
    """Every reminder row of one due period, fresh from the database."""
    query = (
        select(Reminder)
        .where(col(Reminder.incident_id) == incident_id, col(Reminder.due_at) == due_at)
        .order_by(col(Reminder.id))
        .execution_options(populate_existing=True)
    )
    return list((await session.exec(query)).all())


def settled(row: Reminder | None) -> bool:
    """Sent, or tried at least once and not being tried right now."""
    if row is None:
        return False
    return row.sent_at is not None or (row.claimed_by is None and row.attempts > 0)
