"""Async engine and session factory from a DATABASE_URL."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel import Session
from sqlmodel.ext.asyncio.session import AsyncSession

from app.store.group_commit import GroupCommit
from app.store.turns import WriterTurns
from app.store.writer_thread import WriterThread, writer_url

# PostgreSQL connections are replaced after this long, before a server or proxy drops them.
RECYCLE_SECONDS = 1800
# A pooled PostgreSQL connection idle this long is pinged before use (a busy one never is).
IDLE_PING_SECONDS = 30.0
_IDLE_SINCE = "crisis_idle_since"  # key in a pool record's `info` dict


def async_url(url: str) -> str:
    """Accept the usual forms (sqlite:///x, postgresql://…) and pick the async driver."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif backend in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+asyncpg")
    else:
        raise ValueError(f"unsupported database: {backend}")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=10000")
    # Switching to WAL takes the database's write lock; a database already in WAL (every one
    # after its first connection) is only read, so a connection opened while a replica holds
    # the migration lock does not wait on it here.
    cursor.execute("PRAGMA journal_mode")
    if str(cursor.fetchone()[0]).lower() != "wal":
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(
    url: str,
    *,
    echo: bool = False,
    connect_args: dict[str, Any] | None = None,
    idle_ping_seconds: float = IDLE_PING_SECONDS,
) -> AsyncEngine:
    full = async_url(url)
    parsed = make_url(full)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(full, echo=echo, connect_args={"timeout": 10})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "handle_error", _recycle_poisoned)
        return engine
    engine = create_async_engine(
        full, echo=echo, pool_recycle=RECYCLE_SECONDS, connect_args=connect_args or {}
    )
    _ping_when_idle(engine.sync_engine, idle_seconds=idle_ping_seconds)
    event.listen(engine.sync_engine, "handle_error", _recycle_poisoned)
    return engine


# The writer's connection only appends: the pages it needs (a chain head, the last leaf of each
# index, a batch's dedupe probes) fit in 512 KiB, a quarter of SQLite's default 2 MiB cache.
WRITER_CACHE_KIB = 512


def _small_cache(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA cache_size=-{WRITER_CACHE_KIB}")
    cursor.execute("PRAGMA wal_autocheckpoint=0")  # its checkpointer does it (writer_thread.py)
    cursor.close()


def _never_wait(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=0")
    cursor.close()


def make_writer_thread(engine: AsyncEngine) -> WriterThread | None:
    """The group-commit writer's own connections to a SQLite file (one that never waits for
    a lock, one on its thread that does: app/store/writer_thread.py), set up like the
    engine's; None for anything else."""
    url = writer_url(engine.url)
    if url is None:
        return None
    writer = WriterThread.to(url)
    for engine_of_writer in writer.engines():
        event.listen(engine_of_writer, "connect", _sqlite_pragmas)
        event.listen(engine_of_writer, "connect", _small_cache)
        event.listen(engine_of_writer, "handle_error", _recycle_poisoned)
    # (after the pragmas' 10 s): the batches on the loop's thread never wait for a lock
    event.listen(writer.engine, "connect", _never_wait)
    event.listen(writer.checkpointer, "connect", _sqlite_pragmas)
    return writer


# Errors after which a connection is no good even once the cause is gone: a SQLite connection
# opened while the file was read-only (or unopenable) stays so, and a PostgreSQL connection to
# a server that became a read-only standby (a failover) stays there. (Not a full disk: the
# connection is sound, and throwing it away mid-transaction would keep SQLite's lock held.)
POISONED = (
    "attempt to write a readonly database",
    "unable to open database file",
    "read-only transaction",
)


def _recycle_poisoned(context: ExceptionContext) -> None:
    """Treat a poisoning error as a disconnect: SQLAlchemy then throws the connection (and
    the pool's others, opened in the same spell) away, and the next checkout opens a fresh
    one, instead of half the writes failing until a restart."""
    text = str(context.original_exception).lower()
    if any(words in text for words in POISONED):
        context.is_disconnect = True


def _ping_when_idle(engine: Engine, *, idle_seconds: float) -> None:
    """No ping on every checkout (it costs a round trip per transaction): only a connection
    that sat idle in the pool for `idle_seconds` is pinged. A dead one raises
    DisconnectionError, and the pool (SQLAlchemy's documented custom pessimistic handling)
    throws it away and retries the checkout with a fresh connection."""
    pool = engine.pool
    dialect = engine.dialect

    def on_checkin(_dbapi: Any, record: Any) -> None:
        if record is not None:
            record.info[_IDLE_SINCE] = time.monotonic()

    def on_checkout(dbapi: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi)
        except Exception as error:  # any failure to ping: the connection is not usable
            raise DisconnectionError("idle pooled connection is dead") from error

    event.listen(pool, "checkin", on_checkin)
    event.listen(pool, "checkout", on_checkout)


class SessionFactory(async_sessionmaker[AsyncSession]):
    """Sessions on one engine. It names its engine, and its sessions are of a class of their
    own (`session_class`), so a listener installed on them (the record's after-flush hook,
    connected by the composition root) never fires for another factory's sessions."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.turns = WriterTurns(engine)
        # the one group-commit writer of this database (app/store/group_commit.py)
        handoff = make_writer_thread(engine)
        first = partial(self.turns, first=True)  # messages' batches ahead of other writes
        self.writer = GroupCommit(engine, turn=first, handoff=handoff)
        # Bulk writes (the metrics hook's points): on SQLite in the same batches (the file has
        # one writer), on PostgreSQL in batches of their own beside them (their rows lock
        # apart), so a message's ack never waits for a feed's points to be written.
        sqlite = engine.dialect.name == "sqlite"
        self.bulk_writer = self.writer if sqlite else GroupCommit(engine)
        self.session_class: type[Session] = type("FactorySession", (Session,), {})
        super().__init__(
            engine,
            class_=AsyncSession,
            expire_on_commit=False,
            sync_session_class=self.session_class,
        )

    async def close_writers(self) -> None:
        """Finish what was submitted to the writers, then stop them."""
        await self.writer.close()
        await self.bulk_writer.close()

    def begin(self) -> AbstractAsyncContextManager[AsyncSession]:  # type: ignore[override]
        """A session in a transaction, committed at the end: on SQLite, after this process's
        other write transactions (`WriterTurns`)."""
        return self._begin()

    @asynccontextmanager
    async def _begin(self) -> AsyncIterator[AsyncSession]:
        async with self.turns(), super().begin() as session:
            yield session


def make_session_factory(engine: AsyncEngine) -> SessionFactory:
    return SessionFactory(engine)
