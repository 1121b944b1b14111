"""Can the bot use its database right now? The probe behind /healthz.

- SQLite: a write that changes nothing, rolled back (`DELETE FROM alembic_version WHERE 1 = 0`
  takes SQLite's write lock, so a file SQLite opened read-only, a database another writer
  keeps locked, or a missing or corrupt file all show), then
  the free space on the database's disk: SQLite's WAL mode keeps a rolled-back write in
  memory, so a full disk only shows at the next commit; statvfs shows it now.
  (`BEGIN IMMEDIATE` alone is not enough: SQLite grants it on a read-only file.)
- PostgreSQL: `SELECT 1`, so a server that refuses connections or is unreachable shows.

The probe itself waits as long as the driver does (SQLite's busy timeout, a TCP timeout):
cancelling a query does not stop the driver's thread or the server, and the connection's
clean-up would wait for it anyway. The caller bounds the wait (app/flows/health.py runs the
probe as a task and stops waiting after its timeout, without cancelling it).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

MIN_FREE_BYTES = 1 << 20  # SQLite: less free space than this on its disk counts as full
_REASON_CHARS = 200


async def database_trouble(
    engine: AsyncEngine, *, min_free_bytes: int = MIN_FREE_BYTES
) -> str | None:
    """None when the database answers the probe; otherwise why not, in one line."""
    sqlite = engine.dialect.name == "sqlite"
    try:
        await (_write_probe(engine) if sqlite else _query_probe(engine))
    except Exception as error:  # any failure to answer: the database is not usable
        return _reason(error)
    return _disk_trouble(engine, min_free_bytes) if sqlite else None


async def _write_probe(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("DELETE FROM alembic_version WHERE 1 = 0"))
        await connection.rollback()


async def _query_probe(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


def _disk_trouble(engine: AsyncEngine, min_free_bytes: int) -> str | None:
    database = engine.url.database or ""
    if not database or database == ":memory:":
        return None
    directory = Path(database.removeprefix("file:").split("?")[0]).parent
    try:
        stats = os.statvfs(directory)
    except OSError:  # not a path we can look at (an unusual URI form): the probe passed
        return None
    # root may also use the blocks the filesystem keeps back for it
    blocks = stats.f_bfree if os.geteuid() == 0 else stats.f_bavail
    free = blocks * stats.f_frsize
    if free < min_free_bytes:
        return f"disk full: {free} bytes free where the database is"
    return None


def _reason(error: Exception) -> str:
    cause = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    words = " ".join(str(cause).split()) or "no message"
    return f"{type(cause).__name__}: {words}"[:_REASON_CHARS]
