"""Claiming a reminder in the database before sending it, so it is sent exactly once.

A reminder (one nudge, one escalation DM, one escalation note) is identified by its incident,
due period, kind and recipient, and that key is unique. To send it a process must first win the
row: insert it already claimed, or take it back when it is unsent, unclaimed (or claimed longer
ago than `CLAIM_LEASE`, by a process that died mid-send) and not waiting for a retry. The claim is
committed before the Slack call. Afterwards the sender marks it sent, or releases it with a
backoff so a later tick retries it. Two processes sharing a database therefore never both send.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from app.updates.models import Reminder, ReminderKind

CLAIM_LEASE = timedelta(minutes=5)
MAX_BACKOFF_SECONDS = 300


@dataclass(frozen=True)
class ReminderKey:
    incident_id: int
    due_at: datetime
    kind: ReminderKind
    recipient: str


def new_token() -> str:
    return secrets.token_hex(8)


def _matches(key: ReminderKey) -> list[ColumnElement[bool]]:
    return [
        col(Reminder.incident_id) == key.incident_id,
        col(Reminder.due_at) == key.due_at,
        col(Reminder.kind) == key.kind.value,
        col(Reminder.recipient) == key.recipient,
    ]


async def claim(session: AsyncSession, key: ReminderKey, *, token: str, now: datetime) -> bool:
    """True for exactly one caller while the reminder is unsent; writes before it reads."""
    values = {
        "incident_id": key.incident_id,
        "due_at": key.due_at,
        "kind": key.kind.value,
        "recipient": key.recipient,
        "claimed_by": token,
        "claimed_at": now,
        "attempts": 0,
    }
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    inserted = await session.exec(
        dialect.insert(Reminder)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["incident_id", "due_at", "kind", "recipient"])
    )
    if inserted.rowcount == 1:
        return True
    taken = await session.exec(
        update(Reminder)
        .where(*_matches(key), col(Reminder.sent_at).is_(None))
        .where(
            or_(
                col(Reminder.claimed_by).is_(None),
                and_(
                    col(Reminder.claimed_at).is_not(None),
                    col(Reminder.claimed_at) < now - CLAIM_LEASE,
                ),
            ),
            or_(col(Reminder.retry_at).is_(None), col(Reminder.retry_at) <= now),
        )
        .values(claimed_by=token, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    return taken.rowcount == 1


async def mark_sent(
    session: AsyncSession, key: ReminderKey, *, token: str, now: datetime, ts: str
) -> bool:
    """Record the send; False if the claim was no longer ours (it had gone stale)."""
    done = await session.exec(
        update(Reminder)
        .where(*_matches(key), col(Reminder.claimed_by) == token, col(Reminder.sent_at).is_(None))
        .values(sent_at=now, ts=ts, claimed_by=None, claimed_at=None, retry_at=None)
        .execution_options(synchronize_session=False)
    )
    return done.rowcount == 1


def backoff(attempts: int) -> timedelta:
    """No wait after the first failure (the next tick retries), then 2 s, 4 s … up to 5 min."""
    if attempts <= 1:
        return timedelta(0)
    return timedelta(seconds=min(2 ** (attempts - 1), MAX_BACKOFF_SECONDS))


async def release(
    session: AsyncSession, key: ReminderKey, *, token: str, now: datetime, error: str
) -> None:
    """Give the claim back after a failed send, counting the attempt (writes before it reads)."""
    mine = [*_matches(key), col(Reminder.claimed_by) == token]
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
        .values(claimed_by=None, claimed_at=None, retry_at=now + backoff(row.attempts))
        .execution_options(synchronize_session=False)
    )


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
