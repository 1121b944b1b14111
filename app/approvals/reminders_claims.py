"""Claiming an approval reminder before sending it, so it is sent exactly once.

The same rules as update nudges (app/updates/claims.py, whose timings, `Claimed` and backoff
are used here): a process inserts the row already claimed, or takes it back when it is unsent,
not waiting for a retry, and unclaimed or held by a process that stopped beating. The claim
commits before the Slack call; afterwards the row is marked sent, or released with a backoff.
An attempt whose outcome is unknown is kept, and the next claimant looks the message up first.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals.reminders import ApprovalReminder, ApprovalReminderKey
from app.updates.claims import ATTEMPT_AT_MOST, CLAIM_LEASE, STALE_AFTER, Claimed, backoff

Row = ApprovalReminder
UNIQUE = ["approval_id", "step", "kind", "recipient"]


def _matches(key: ApprovalReminderKey) -> list[ColumnElement[bool]]:
    return [
        col(Row.approval_id) == key.approval_id,
        col(Row.step) == key.step,
        col(Row.kind) == key.kind.value,
        col(Row.recipient) == key.recipient,
    ]


def _free(now: datetime) -> list[ColumnElement[bool]]:
    stopped = and_(col(Row.heartbeat_at).is_not(None), col(Row.heartbeat_at) < now - STALE_AFTER)
    expired = and_(col(Row.claimed_at).is_not(None), col(Row.claimed_at) < now - CLAIM_LEASE)
    return [
        col(Row.sent_at).is_(None),
        or_(col(Row.claimed_by).is_(None), stopped, expired),
        or_(col(Row.retry_at).is_(None), col(Row.retry_at) <= now),
    ]


def _mine(key: ApprovalReminderKey, owner: str, claimed: Claimed) -> list[ColumnElement[bool]]:
    return [*_matches(key), col(Row.claimed_by) == owner, col(Row.claimed_at) == claimed.at]


async def claim(
    session: AsyncSession, key: ApprovalReminderKey, *, owner: str, now: datetime
) -> Claimed | None:
    """The claim for exactly one caller while the message is unsent; writes before it reads."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    inserted = await session.exec(
        dialect.insert(Row)
        .values(
            approval_id=key.approval_id,
            step=key.step,
            kind=key.kind.value,
            recipient=key.recipient,
            claimed_by=owner,
            claimed_at=now,
            heartbeat_at=now,
            first_claimed_at=now,
            attempt_started_at=now,
            attempts=0,
        )
        .on_conflict_do_nothing(index_elements=UNIQUE)
    )
    if inserted.rowcount == 1:
        return Claimed(at=now, since=now, unknown=False)
    taken = await session.exec(
        update(Row)
        .where(*_matches(key), *_free(now))
        .values(claimed_by=owner, claimed_at=now, heartbeat_at=now)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return None
    row = await _row(session, key)
    assert row is not None
    since = row.first_claimed_at or now
    claimed = Claimed(at=now, since=since, unknown=row.attempt_started_at is not None)
    await session.exec(
        update(Row)
        .where(*_mine(key, owner, claimed))
        .values(attempt_started_at=now, first_claimed_at=since)
        .execution_options(synchronize_session=False)
    )
    return claimed


async def mark_sent(
    session: AsyncSession,
    key: ApprovalReminderKey,
    *,
    owner: str,
    claimed: Claimed,
    now: datetime,
    ts: str,
) -> bool:
    """Record the send; False if the claim was no longer ours."""
    done = await session.exec(
        update(Row)
        .where(*_mine(key, owner, claimed), col(Row.sent_at).is_(None))
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


async def release(
    session: AsyncSession,
    key: ApprovalReminderKey,
    *,
    owner: str,
    claimed: Claimed,
    now: datetime,
    error: str,
    unknown: bool,
) -> None:
    """Give the claim back after a failed send, counting the attempt; with `unknown`, the next
    claimant looks the message up before posting."""
    mine = _mine(key, owner, claimed)
    counted = await session.exec(
        update(Row)
        .where(*mine)
        .values(attempts=col(Row.attempts) + 1, last_error=error[:64])
        .execution_options(synchronize_session=False)
    )
    row = await _row(session, key)
    if counted.rowcount != 1 or row is None:
        return
    await session.exec(
        update(Row)
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
    """`owner` is alive: refresh its claims with an attempt that may still be running."""
    held = [
        col(Row.claimed_by) == owner,
        col(Row.sent_at).is_(None),
        col(Row.claimed_at) >= now - ATTEMPT_AT_MOST,
    ]
    if (await session.exec(select(Row.id).where(*held).limit(1))).first() is None:
        return 0
    beaten = await session.exec(
        update(Row)
        .where(*held)
        .values(heartbeat_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(beaten.rowcount or 0)


def retry_time(row: ApprovalReminder, floor: datetime) -> datetime:
    """When an unsent row can next be claimed: its owner gone quiet, or its backoff over."""
    if row.claimed_by is not None and row.claimed_at is not None:
        lease_ends = row.claimed_at + CLAIM_LEASE
        if row.heartbeat_at is None:
            return lease_ends
        return min(row.heartbeat_at + STALE_AFTER, lease_ends)
    return max(row.retry_at or floor, floor)


async def _row(session: AsyncSession, key: ApprovalReminderKey) -> ApprovalReminder | None:
    query = select(Row).where(*_matches(key)).execution_options(populate_existing=True)
    return (await session.exec(query)).first()
