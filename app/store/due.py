"""Rows whose next look has come, leased to one process (a `next_…_at` column on a table)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession


async def take_due(
    session: AsyncSession, model: Any, due: Any, *, now: datetime, lease: timedelta, limit: int
) -> list[int]:
    """Ids of `model` rows whose `due` column has come, leased to the caller: the column moves
    `lease` ahead (commit it), so a process dying mid-look costs only the lease.

    One UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) … RETURNING: it writes before
    it reads (SQLite takes its write lock first), and on PostgreSQL two processes never take
    the same row.
    """
    ids, at = col(model.id), col(due)
    chosen = (
        select(ids)
        .where(at.is_not(None), at <= now)
        .order_by(at, ids)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    taken = await session.exec(
        update(model)
        .where(ids.in_(chosen.scalar_subquery()))
        .values({due: now + lease})
        .returning(ids)
        .execution_options(synchronize_session=False)
    )
    return sorted(taken.scalars().all())
