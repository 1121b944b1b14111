"""SQLite batches in one hand-off: the group-commit writer's transaction runs whole on a thread.

Through aiosqlite every statement of a transaction is a round
trip through the event loop: BEGIN, each execute, each fetch, COMMIT. Under load each of those
waits for the loop's next turn behind the requests it is serving, so a batch of appends took
a dozen loop turns to commit, and every event in it waited that long for its ack. Here the
batch function runs, with its BEGIN and COMMIT, in one call on a thread of its own that holds
a plain (pysqlite) connection to the same file: one hand-off there, one back. Measured
(bench/side_by_side.py): ingest from 36 % to 43-47 % of bare Bolt, CPU per event 0.48 to
0.38-0.43 ms.

Its connection gets what the async engine's get (app/store/engine.py): the pragmas and the
poisoned-connection recycling. It never checkpoints the WAL itself: SQLite's automatic
checkpoint runs inside the commit that crosses 1,000 pages, so every few hundred batches one
commit also copied the WAL into the database and its events waited for that (message-ack p99
under a metrics feed 29 ms; 17 ms without). A second connection on a thread of its own runs a
PASSIVE checkpoint every second instead (`checkpoint`), which waits for no reader or writer.

An in-memory database is private to its connection, so it keeps the async path (`writer_url`
gives None). PostgreSQL keeps it too: the same thread with psycopg measured no faster there
(28-36 % either way), so it is not worth a second driver.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.engine import URL

Result = TypeVar("Result")
logger = logging.getLogger(__name__)
CHECKPOINT_SECONDS = 1.0


def writer_url(url: URL) -> URL | None:
    """A SQLite file through pysqlite (None: keep the async path)."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return url.set(drivername="sqlite+pysqlite")


class WriterThread:
    """Runs `work(connection, arg)` in a transaction of its own on the writer's thread."""

    def __init__(
        self, engine: Engine, checkpointer: Engine, *, every: float = CHECKPOINT_SECONDS
    ) -> None:
        self.engine = engine  # (its events are set by app/store/engine.py, like the async one's)
        self.checkpointer = checkpointer
        self.every = every
        self._thread: ThreadPoolExecutor | None = None
        self._checkpoints: asyncio.Task[None] | None = None

    @classmethod
    def to(cls, url: URL, *, every: float = CHECKPOINT_SECONDS) -> WriterThread:
        # one thread uses each connection; pysqlite only needs telling so
        arguments = {"timeout": 10, "check_same_thread": False}
        writer = create_engine(url, connect_args=arguments, pool_size=1)
        return cls(writer, create_engine(url, connect_args=arguments, pool_size=1), every=every)

    async def run(self, work: Callable[[Connection, Any], Result], arg: Any) -> Result:
        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-writer")
            self._checkpoints = asyncio.create_task(self._checkpoint_often(), name="checkpoint")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, self._in_transaction, work, arg)

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

    def _in_transaction(self, work: Callable[[Connection, Any], Result], arg: Any) -> Result:
        with self.engine.begin() as conn:
            return work(conn, arg)

    async def close(self) -> None:
        """Let the running batch finish, then close the connection (a later batch opens
        one again)."""
        thread, self._thread = self._thread, None
        checkpoints, self._checkpoints = self._checkpoints, None
        if checkpoints is not None:
            checkpoints.cancel()
            await asyncio.gather(checkpoints, return_exceptions=True)
        if thread is not None:
            await asyncio.to_thread(thread.shutdown, wait=True)
        self.engine.dispose()
        self.checkpointer.dispose()
