"""Serializing writers on one row, the same way on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession


async def lock_row(session: AsyncSession, model: Any, row_id: int, *, column: Any) -> bool:
    """Take the row's write lock with a no-op UPDATE (`column = column`); False if no such row.

    Make it the first statement of the transaction: SQLite then takes its database write lock
    (readers before it could see a stale snapshot), PostgreSQL locks the row until commit.
    """
    result = await session.exec(
        update(model)
        .where(col(model.id) == row_id)
        .values({column: column})
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)
