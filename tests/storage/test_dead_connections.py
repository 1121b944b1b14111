"""PostgreSQL without a ping on every checkout: an idle pooled connection that died is
replaced before use, and a busy one that dies fails once, then the pool has moved on."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.store.engine import make_engine
from tests.databases import POSTGRES_URL, postgres_available

pytestmark = pytest.mark.skipif(not postgres_available(), reason="PostgreSQL is not listening")


@pytest.fixture
async def admin() -> AsyncIterator[AsyncEngine]:
    engine = make_engine(POSTGRES_URL)
    yield engine
    await engine.dispose()


async def backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def kill(admin: AsyncEngine, pid: int) -> None:
    async with admin.connect() as connection:
        await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


async def test_an_idle_dead_connection_is_replaced_before_use(admin: AsyncEngine) -> None:
    engine = make_engine(POSTGRES_URL, idle_ping_seconds=0)
    try:
        first = await backend_pid(engine)
        await kill(admin, first)
        second = await backend_pid(engine)  # no error: the ping found it dead
        assert second != first
        assert await backend_pid(engine) == second  # the fresh one is kept
    finally:
        await engine.dispose()


async def test_a_recently_used_connection_is_not_pinged(admin: AsyncEngine) -> None:
    engine = make_engine(POSTGRES_URL, idle_ping_seconds=3600)
    try:
        first = await backend_pid(engine)
        await kill(admin, first)
        with pytest.raises(DBAPIError) as failure:
            await backend_pid(engine)
        assert failure.value.connection_invalidated
        assert await backend_pid(engine) != first  # retrying once succeeds
    finally:
        await engine.dispose()
