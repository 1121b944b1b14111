"""The bot's database as the bench sees it: fresh ones to run on, and what got stored.

PostgreSQL runs get a database of their own (bench_<random>), created on the server named by
CRISIS_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres) and
dropped afterwards.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import col, func, select

from app.incidents.models import Incident
from app.record import queries
from app.record.models import RecordEntry
from app.record.verify import Report, verify_incident
from app.store.engine import make_engine, make_session_factory

POSTGRES_URL = os.environ.get(
    "CRISIS_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def postgres_reachable() -> bool:
    url = make_url(POSTGRES_URL)
    try:
        with socket.create_connection((url.host or "127.0.0.1", url.port or 5432), timeout=1):
            return True
    except OSError:
        return False


@asynccontextmanager
async def fresh_database(backend: str, folder: Path) -> AsyncIterator[str]:
    """The URL of an empty database of `backend` (sqlite or postgresql), gone afterwards."""
    name = f"bench_{secrets.token_hex(4)}"
    if backend == "sqlite":
        yield f"sqlite:///{folder / f'{name}.db'}"
        return
    admin = make_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f"CREATE DATABASE {name}"))
    url = make_url(POSTGRES_URL).set(drivername="postgresql+asyncpg", database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        await admin.dispose()


class Store:
    """Reads the bot's database from the bench process."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.db = make_session_factory(self.engine)

    async def close(self) -> None:
        await self.engine.dispose()

    async def stored(self, incident_id: int) -> int:
        """How many entries the incident's record holds (its chain head: one cheap read)."""
        async with self.db() as session:
            conn = await session.connection()
            return await conn.run_sync(queries.count, incident_id)

    async def live(self, incident_id: int) -> int:
        """How many of the incident's entries came from events, not from a catch-up reading
        history (which may rightly add what the bench never delivered: joins, the bot's own
        posts)."""
        query = select(func.count()).where(
            RecordEntry.incident_id == incident_id, col(RecordEntry.recovered).is_(False)
        )
        async with self.db() as session:
            return int((await session.exec(query)).one())

    async def until_stored(self, incident_id: int, expected: int, timeout: float = 600) -> int:
        deadline = time.monotonic() + timeout
        while (count := await self.stored(incident_id)) < expected:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {count} of {expected} entries were stored")
            await asyncio.sleep(0.01)
        return count

    async def incidents(self) -> int:
        async with self.db() as session:
            return int((await session.exec(select(func.count()).select_from(Incident))).one())

    async def war_room(self, timeout: float = 30) -> Incident:
        """The first incident, once the bot has posted its brief in the war room."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            async with self.db() as session:
                query = select(Incident).where(col(Incident.brief_ts).is_not(None))
                found = (await session.exec(query.order_by(col(Incident.id)))).first()
            if found is not None:
                return found
            await asyncio.sleep(0.05)
        raise TimeoutError("the bot opened no war room")

    async def verify(self, incident_id: int) -> Report:
        return await verify_incident(self.db, incident_id)
