"""A connection an error left unusable is replaced, not kept in the pool: after a read-only
spell (a SQLite file opened read-only, a PostgreSQL failover to a standby) writes work again
without a restart."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.store.engine import POISONED

READ_ONLY = {
    "sqlite": "PRAGMA query_only = 1",  # what a file opened read-only does to its connection
    "postgresql": "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",  # a standby's answer
}


async def write(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM slack_request_seen WHERE signed_at < 0"))


async def test_a_connection_left_read_only_is_thrown_away(engine: AsyncEngine) -> None:
    await engine.dispose()  # one fresh pooled connection, the one poisoned below
    async with engine.connect() as conn:
        await conn.exec_driver_sql(READ_ONLY[engine.dialect.name])
        await conn.commit()
    with pytest.raises(DBAPIError) as refused:
        await write(engine)
    assert any(words in str(refused.value).lower() for words in POISONED)
    await write(engine)  # a fresh connection: the write goes through
