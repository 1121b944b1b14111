"""SQLite batches in one go: the group-commit writer's transaction runs whole, in one call.

Through aiosqlite every statement of a transaction is a round trip through the event loop:
BEGIN, each execute, each fetch, COMMIT. Under load each of those waits for the loop's next
turn behind the requests it is serving, so a batch of appends took a dozen loop turns to
commit, and every event in it waited that long for its ack. Here the batch function runs,
with its BEGIN and COMMIT, in one call on a plain (pysqlite) connection to the same file.

That call runs on the event loop's own thread. It used to run on a thread of its own, but
pysqlite lets go of the GIL around every step of every statement (a batch of 16 events made
some 40 steps), and each time the writer thread then waited for the busy event loop to hand
the GIL back: a batch took 8.8-9.2 ms in the bot under load, 3.1-3.4 ms inline, and ingest
went from 40-48 % to 48-51 % of bare Bolt (bench/side_by_side.py, alternating runs). The
loop is held for those ~3 ms, as the GIL-bound Python of the batch held it anyway.

A call on the loop must never wait for a lock, so the inline connection has no busy timeout:
if another connection holds SQLite's write lock (another process, or one of our own that does
not take write turns), it fails at once with SQLITE_BUSY, rolls back, and the batch runs again
on the writer's thread, on a second connection that waits for the lock as long as any other
(10 s). Nothing half-done survives the rollback, and the batch functions keep no state of
their own, so running one again gives what the first run would have.

Its connections get what the async engine's get (app/store/engine.py): the pragmas and the
poisoned-connection recycling. They never checkpoint the WAL themselves: SQLite's automatic
checkpoint runs inside the commit that crosses 1,000 pages, so every few hundred batches one
commit also copied the WAL into the database and its events waited for that (message-ack p99
under a metrics feed 29 ms; 17 ms without). A third connection on a thread of its own runs a
PASSIVE checkpoint every second instead (`checkpoint`), which waits for no reader or writer.

An in-memory database is private to its connection, so it keeps the async path (`writer_url`
gives None). PostgreSQL keeps it too: a thread with psycopg measured no faster there
(28-36 % either way), so it is not worth a second driver.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

Result = TypeVar("Result")
logger = logging.getLogger(__name__)
CHECKPOINT_SECONDS = 1.0


def writer_url(url: URL) -> URL | None:
    """A SQLite file through pysqlite (None: keep the async path)."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return url.set(drivername="sqlite+pysqlite")


class WriterThread:
    """Runs `work(connection, arg)` in a transaction of its own: on the loop's thread, or on
    the writer's thread when the database is locked."""

    def __init__(
        self,
        engine: Engine,
        checkpointer: Engine,
        *,
        waiting: Engine,
        every: float = CHECKPOINT_SECONDS,
    ) -> None:
        self.engine = engine  # no busy timeout (its events are set by app/store/engine.py)
        self.waiting = waiting  # waits for a lock, on the writer's thread
        self.checkpointer = checkpointer
        self.every = every
        self.waited = 0  # batches that found the database locked and ran on the thread
        self._thread: ThreadPoolExecutor | None = None
        self._checkpoints: asyncio.Task[None] | None = None

    @classmethod
    def to(cls, url: URL, *, every: float = CHECKPOINT_SECONDS) -> WriterThread:
        def engine() -> Engine:
            # one thread at a time uses each connection; pysqlite only needs telling so.
            # (Busy timeouts: app/store/engine.py's pragmas, 0 for `engine`.)
            arguments = {"check_same_thread": False}
            return create_engine(url, connect_args=arguments, pool_size=1)

        return cls(engine(), engine(), waiting=engine(), every=every)

    def engines(self) -> tuple[Engine, ...]:
        """Every connection it writes through (for events set on each)."""
        return (self.engine, self.waiting)

    async def run(self, work: Callable[[Connection, Any], Result], arg: Any) -> Result:
        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-writer")
            self._checkpoints = asyncio.create_task(self._checkpoint_often(), name="checkpoint")
        try:
            return _in_transaction(self.engine, work, arg)
        except OperationalError as error:
            if not locked(error):
                raise
        self.waited += 1
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, _in_transaction, self.waiting, work, arg)

    def checkpoint(self) -> tuple[int, int, int]:
        """Copy what the WAL holds into the database, as far as no reader still needs it,
        without waiting for anyone: SQLite's (busy, frames in the WAL, frames copied)."""
        with self.checkpointer.connect() as conn:
            row = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        busy, log, copied = (int(value) for value in row)
        return busy, log, copied

    async def _checkpoint_often(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            try:
                await asyncio.to_thread(self.checkpoint)
            except Exception as error:  # the next one tries again; the type only, as elsewhere
                logger.warning("WAL checkpoint failed (%s)", type(error).__name__)

    async def close(self) -> None:
        """Let the running batch finish, then close the connections (a later batch opens
        them again)."""
        thread, self._thread = self._thread, None
        checkpoints, self._checkpoints = self._checkpoints, None
        if checkpoints is not None:
            checkpoints.cancel()
            await asyncio.gather(checkpoints, return_exceptions=True)
        if thread is not None:
            await asyncio.to_thread(thread.shutdown, wait=True)
        for engine in {*self.engines(), self.checkpointer}:
            engine.dispose()


def _in_transaction(engine: Engine, work: Callable[[Connection, Any], Result], arg: Any) -> Result:
    with engine.begin() as conn:
        return work(conn, arg)


def locked(error: OperationalError) -> bool:
    """SQLITE_BUSY (or one of its extended codes): another connection holds the lock."""
    code = getattr(error.orig, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF == sqlite3.SQLITE_BUSY
