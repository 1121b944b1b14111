"""Fresh databases for storage tests: a SQLite file, or a PostgreSQL schema of its own."""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.clock import FakeClock
from app.harness import Harness, start_harness
from app.store.engine import make_engine, make_session_factory

POSTGRES_URL = os.environ.get(
    "CRISIS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def postgres_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return True
    except OSError:
        return False


@asynccontextmanager
async def fresh_engine(backend: str, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'crisis.db'}")
        try:
            yield engine
        finally:
            await engine.dispose()
        return
    schema = f"t_{secrets.token_hex(6)}"
    admin = make_engine(POSTGRES_URL)
    async with admin.begin() as connection:
        await connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(POSTGRES_URL, connect_args={"server_settings": {"search_path": schema}})
    try:
        yield engine
    finally:
        await engine.dispose()
        async with admin.begin() as connection:
            await connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        await admin.dispose()


@asynccontextmanager
async def harness_on(backend: str, tmp_path: Path, **options: Any) -> AsyncIterator[Harness]:
    """The bot against a fresh Slack double, storing in a fresh database of `backend`."""
    async with fresh_engine(backend, tmp_path) as engine:
        url = POSTGRES_URL if backend == "postgresql" else f"sqlite:///{tmp_path / 'crisis.db'}"
        running = await start_harness(
            database_url=url,
            clock=options.pop("clock", None) or FakeClock(),
            session_factory=make_session_factory(engine),
            **options,
        )
        try:
            yield running
        finally:
            await running.stop()
