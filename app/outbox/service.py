"""Wanting a new version of a copy, and leasing, finishing and failing the work on it.

A change calls `want_card` / `want_next` in its own transaction, so the wanted version is
stored with what it shows. A worker `take`s one row at a time (a lease: `claimed_by` until
`claimed_until`, taken with `FOR UPDATE SKIP LOCKED` on PostgreSQL, so two processes never
work on one copy at once and a dead worker's row is taken again once its lease ends), then
`finish`es it with the version it rendered (never moving `done_version` backwards) or `fail`s
it with the time of the next try (None: stopped until the next change).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import case, func
from sqlmodel import col, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from app.outbox.models import OutboxKind, OutboxRow
from app.store.dialects import insert_of
from app.store.workspace import Workspace

LEASE = timedelta(seconds=60)  # longer than any one Slack call the worker makes (45 s)
TAKE_LIMIT = 200
AT_ONCE = datetime(2000, 1, 1, tzinfo=UTC)  # a retry_at before any clock's now: due at once


def _due(now: datetime) -> tuple[Any, ...]:
    return (
        col(OutboxRow.done_version) < col(OutboxRow.want_version),
        col(OutboxRow.retry_at).is_not(None),
        col(OutboxRow.retry_at) <= now,
        (col(OutboxRow.claimed_until).is_(None)) | (col(OutboxRow.claimed_until) <= now),
    )


def _bumped() -> dict[Any, Any]:
    """What a new wanted version also sets: a try at once, unless one is planned already (a
    backoff, a Retry-After) or the copy is being worked on (its worker looks again after)."""
    return {OutboxRow.retry_at: func.coalesce(col(OutboxRow.retry_at), AT_ONCE)}


async def add(
    session: AsyncSession,
    kind: OutboxKind,
    *,
    now: datetime,
    subject_id: int = 0,
    channel_id: str = "",
    ts: str = "",
    user_id: str = "",
    want: int = 1,
    done: int = 0,
    team: Workspace | None = None,
) -> None:
    """A new copy to keep up to date (nothing if it is known already), in `team`'s
    workspace (sent with its installation's token)."""
    insert = insert_of(session.get_bind().dialect.name)
    values = {
        "kind": kind.value,
        "subject_id": subject_id,
        "channel_id": channel_id,
        "ts": ts,
        "user_id": user_id,
        "want_version": want,
        "done_version": done,
        "attempts": 0,
        "changed_at": now,
        "retry_at": AT_ONCE if done < want else None,
        "team_id": team.team_id if team else None,
        "enterprise_id": team.enterprise_id if team else None,
    }
    statement = insert(OutboxRow).values(**values)
    await session.exec(statement.on_conflict_do_nothing())


async def want_card(session: AsyncSession, action_id: int, *, version: int) -> int:
    """Every copy of the action's card must show `version` (its card_version) at least."""
    return await _update(
        session,
        col(OutboxRow.kind) == OutboxKind.CARD_COPY.value,
        col(OutboxRow.subject_id) == action_id,
        col(OutboxRow.want_version) < version,
        values={**_bumped(), OutboxRow.want_version: version},
    )


async def want_next(
    session: AsyncSession,
    kind: OutboxKind,
    *,
    subject_id: int | None = None,
    user_ids: Iterable[str] | None = None,
) -> int:
    """A new version of these copies (a subject's, or these users' Home tabs; all of the kind
    when neither is given). Returns how many copies there are."""
    where = [col(OutboxRow.kind) == kind.value]
    if subject_id is not None:
        where.append(col(OutboxRow.subject_id) == subject_id)
    if user_ids is not None:
        where.append(col(OutboxRow.user_id).in_(list(user_ids)))
    bump = {**_bumped(), OutboxRow.want_version: col(OutboxRow.want_version) + 1}
    return await _update(session, *where, values=bump)


async def want_next_one(session: AsyncSession, kind: OutboxKind, *, subject_id: int) -> int | None:
    """A new version of the subject's one copy of `kind` (its brief, its topic): the version
    now wanted, None when it has no such copy."""
    bump = {**_bumped(), OutboxRow.want_version: col(OutboxRow.want_version) + 1}
    where = (col(OutboxRow.kind) == kind.value, col(OutboxRow.subject_id) == subject_id)
    result = await session.exec(
        update(OutboxRow)
        .where(*where)
        .values(bump)
        .returning(col(OutboxRow.want_version))
        .execution_options(synchronize_session=False)
    )
    version = result.scalar()
    return None if version is None else int(version)


async def _update(session: AsyncSession, *where: Any, values: dict[Any, Any]) -> int:
    result = await session.exec(
        update(OutboxRow).where(*where).values(values).execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


async def ids_of(
    session: AsyncSession,
    kind: OutboxKind,
    *,
    subject_id: int | None = None,
    user_ids: Iterable[str] | None = None,
) -> list[int]:
    wanted = await wanted_of(session, kind, subject_id=subject_id, user_ids=user_ids)
    return [row_id for row_id, _ in wanted]


async def wanted_of(
    session: AsyncSession,
    kind: OutboxKind,
    *,
    subject_id: int | None = None,
    user_ids: Iterable[str] | None = None,
) -> list[tuple[int, int]]:
    """(id, wanted version) of these copies, in id order."""
    query = select(OutboxRow.id, OutboxRow.want_version).where(col(OutboxRow.kind) == kind.value)
    if subject_id is not None:
        query = query.where(col(OutboxRow.subject_id) == subject_id)
    if user_ids is not None:
        query = query.where(col(OutboxRow.user_id).in_(list(user_ids)))
    rows = (await session.exec(query.order_by(col(OutboxRow.id)))).all()
    return [(row_id, want) for row_id, want in rows if row_id]


async def due_ids(session: AsyncSession, *, now: datetime, limit: int = TAKE_LIMIT) -> list[int]:
    """Copies that are behind, may be tried now and are not leased (oldest try first)."""
    query = select(OutboxRow.id).where(*_due(now)).order_by(col(OutboxRow.retry_at)).limit(limit)
    return [row_id for row_id in (await session.exec(query)).all() if row_id]


async def take(
    session: AsyncSession, row_id: int, *, owner: str, now: datetime, lease: timedelta = LEASE
) -> OutboxRow | None:
    """Lease the row if it is due and nobody holds it (commit, then work); None otherwise.
    Writes before it reads, so SQLite takes its write lock first."""
    due = select(OutboxRow.id).where(col(OutboxRow.id) == row_id, *_due(now))
    taken = await session.exec(
        update(OutboxRow)
        .where(col(OutboxRow.id).in_(due.with_for_update(skip_locked=True).scalar_subquery()))
        .values(claimed_by=owner, claimed_until=now + lease)
        .returning(col(OutboxRow.id))
        .execution_options(synchronize_session=False)
    )
    if taken.first() is None:
        return None
    return await session.get(OutboxRow, row_id, populate_existing=True)


async def finish(
    session: AsyncSession, row_id: int, *, owner: str, version: int, now: datetime
) -> OutboxRow | None:
    """`version` is on Slack: done_version moves up to it (never back), the lease ends.
    Returns the row as it is now (None if the lease was lost or the row is gone)."""
    done = col(OutboxRow.done_version)
    moved = await _update(
        session,
        col(OutboxRow.id) == row_id,
        col(OutboxRow.claimed_by) == owner,
        values={
            OutboxRow.done_version: case((done < version, version), else_=done),
            OutboxRow.attempts: 0,
            OutboxRow.last_error: None,
            OutboxRow.told_at: None,
            OutboxRow.retry_at: now,
            OutboxRow.changed_at: now,
            OutboxRow.claimed_by: None,
            OutboxRow.claimed_until: None,
        },
    )
    return await session.get(OutboxRow, row_id, populate_existing=True) if moved else None


async def fail(
    session: AsyncSession, row_id: int, *, owner: str, error: str, retry_at: datetime | None
) -> bool:
    """The try failed: count it, remember why, plan the next try (None: stop); the lease ends."""
    return bool(
        await _update(
            session,
            col(OutboxRow.id) == row_id,
            col(OutboxRow.claimed_by) == owner,
            values={
                OutboxRow.attempts: col(OutboxRow.attempts) + 1,
                OutboxRow.last_error: error[:64],
                OutboxRow.retry_at: retry_at,
                OutboxRow.claimed_by: None,
                OutboxRow.claimed_until: None,
            },
        )
    )


async def mark_told(session: AsyncSession, row_id: int, *, now: datetime) -> bool:
    """True once per failure streak: whoever marks it tells the lead."""
    return bool(
        await _update(
            session,
            col(OutboxRow.id) == row_id,
            col(OutboxRow.told_at).is_(None),
            values={OutboxRow.told_at: now},
        )
    )


async def forget(session: AsyncSession, row_id: int) -> None:
    """The copy no longer exists (its message or subject is gone)."""
    await session.exec(delete(OutboxRow).where(col(OutboxRow.id) == row_id))


async def locate(session: AsyncSession, row_id: int, *, channel_id: str, ts: str) -> None:
    """Where a copy first posted by the worker went (its later changes are updates)."""
    await _update(
        session,
        col(OutboxRow.id) == row_id,
        values={OutboxRow.channel_id: channel_id, OutboxRow.ts: ts},
    )


async def forget_copy(session: AsyncSession, *, channel_id: str, ts: str) -> None:
    """A card copy that stops being kept up to date (its reader lost their part in it)."""
    await session.exec(
        delete(OutboxRow).where(
            col(OutboxRow.kind) == OutboxKind.CARD_COPY.value,
            col(OutboxRow.channel_id) == channel_id,
            col(OutboxRow.ts) == ts,
        )
    )


async def backlog(session: AsyncSession) -> tuple[int, datetime | None]:
    """How many copies are behind, and the oldest time one of them was last known up to date
    (added or brought up to date: `changed_at`)."""
    stale = col(OutboxRow.done_version) < col(OutboxRow.want_version)
    count = (await session.exec(select(func.count()).where(stale))).one()
    first = select(OutboxRow.changed_at).where(stale).order_by(col(OutboxRow.changed_at)).limit(1)
    return int(count or 0), (await session.exec(first)).first()
