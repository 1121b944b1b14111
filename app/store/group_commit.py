"""Group commit: many small writes, one transaction per batch.

Callers submit a write (a batch function and one item for it) and await its result; one writer
task per GroupCommit drains the queue and runs every write waiting (at most `max_batch`) in a
single transaction, each batch function once with all of its items, in the order they came.
Under load (the last batch held several writes) the first write of a batch waits `linger`
(2 ms) for the requests already arriving to join it; while one batch commits, the next one
fills. Under load hundreds of writes share one commit; a lone write (a command's replay mark
on a quiet bot) goes at once. A caller's result arrives only after its batch has committed, so
whoever awaited it may promise that the write is durable.

Different kinds of write share the batches (one GroupCommit per database: a request's replay
mark and a message's record entry ride the same commit), so SQLite's single writer is never
contended by two writers of our own.

If a batch fails, each of its writes is tried again in a transaction of its own, so one bad
item fails alone and a failure the database gives everyone (an outage, a full disk) reaches
every caller as the exception it raised.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager, nullcontext
from typing import Any, TypeVar, cast

from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from app.store.writer_thread import WriterThread

Item = TypeVar("Item")
Result = TypeVar("Result")
BatchWrite = Callable[[Connection, Sequence[Item]], list[Result]]

logger = logging.getLogger(__name__)
MAX_BATCH = 500
LINGER_SECONDS = 0.002


class Job:
    """One submitted write (a plain class: one is made per write, thousands a second)."""

    __slots__ = ("done", "item", "write")

    def __init__(self, write: BatchWrite[Any, Any], item: Any, done: asyncio.Future[Any]) -> None:
        self.write = write
        self.item = item
        self.done = done


# A whole batch in one statement on a connection without a transaction of its own (so no BEGIN
# and COMMIT round trips): each job's result, or None when it wrote nothing and the batch
# should be written the usual way (app/flows/one_statement.py).
OneStatement = Callable[[Connection, Sequence[Job]], list[Any] | None]


class GroupCommit:
    """Runs submitted writes in shared transactions on pooled connections of `engine`."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        max_batch: int = MAX_BATCH,
        linger: float = LINGER_SECONDS,
        turn: Callable[[], AbstractAsyncContextManager[object]] = nullcontext,
        handoff: WriterThread | None = None,
    ) -> None:
        self.engine = engine
        self.handoff = handoff  # (a SQLite file's batch in one call: writer_thread.py)
        self.turn = turn  # (SQLite: the process's writers take turns, see store/engine.py)
        self.max_batch = max_batch
        self.linger = linger
        self.batches = 0  # committed, for tests and benches
        self.one_statement: OneStatement | None = None  # (set by the composition root)
        self._busy = False  # the last batch held several writes: under load, so linger
        self._queue: asyncio.Queue[Job] | None = None
        self._worker: asyncio.Task[None] | None = None

    async def submit(self, write: BatchWrite[Item, Result], item: Item) -> Result:
        """`write(connection, [item, …])`'s result for `item`, once its batch has committed.
        `write` returns one result per item, in order."""
        job = Job(write, item, asyncio.get_running_loop().create_future())
        self._ensure_worker().put_nowait(job)
        # (a cancelled caller's write still lands: the writer task owns it, not the caller)
        return cast(Result, await job.done)

    async def close(self) -> None:
        """Finish what was submitted, then stop the writer."""
        if self._queue is not None and self._worker is not None and not self._worker.done():
            await self._queue.join()
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
        self._queue, self._worker = None, None
        if self.handoff is not None:
            await self.handoff.close()

    def _ensure_worker(self) -> asyncio.Queue[Job]:
        if self._queue is None or self._worker is None or self._worker.done():
            self._queue = asyncio.Queue()
            self._worker = asyncio.create_task(self._run(self._queue), name="group-commit")
        return self._queue

    async def _run(self, queue: asyncio.Queue[Job]) -> None:
        while True:
            batch = [await queue.get()]
            if self.linger and self._busy and queue.qsize() < self.max_batch:
                await asyncio.sleep(self.linger)  # let the requests already arriving join
            while len(batch) < self.max_batch and not queue.empty():
                batch.append(queue.get_nowait())
            self._busy = len(batch) > 1  # a lone write (a command's mark) never lingers
            try:
                await self._commit(batch)
            finally:
                for _ in batch:
                    queue.task_done()

    async def _commit(self, batch: list[Job]) -> None:
        try:
            async with self.turn():
                results = await self._write_all(batch)
        except Exception as error:
            if len(batch) == 1:
                _fail(batch[0].done, error)
                return
            # the type only: a database error's text can quote the values (message contents)
            kind = type(error).__name__
            logger.warning("a batch of %d writes failed (%s); writing each alone", len(batch), kind)
            for job in batch:
                await self._commit([job])
            return
        self.batches += 1
        for job, result in zip(batch, results, strict=True):
            if not job.done.done():  # (done: its caller was cancelled)
                job.done.set_result(result)

    async def _write_all(self, batch: list[Job]) -> list[Any]:
        if self.handoff is not None:
            return await self.handoff.run(write_all, batch)
        if self.one_statement is not None:
            found = await self._in_one_statement(self.one_statement, batch)
            if found is not None:
                return found
        async with self.engine.begin() as conn:
            return await conn.run_sync(write_all, batch)

    async def _in_one_statement(self, write: OneStatement, batch: list[Job]) -> list[Any] | None:
        async with self.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            return await conn.run_sync(write, batch)


class Kinds:
    """A batch split by kind of write: each kind's items in the order they came, and each
    kind's results put back in the batch's order."""

    def __init__(self, batch: Sequence[Job]) -> None:
        self.batch = batch
        self.places: dict[BatchWrite[Any, Any], list[int]] = {}
        for place, job in enumerate(batch):
            self.places.setdefault(job.write, []).append(place)

    def items(self, write: BatchWrite[Any, Any]) -> list[Any]:
        return [self.batch[place].item for place in self.places.get(write, ())]

    def in_order(self, found: dict[BatchWrite[Any, Any], list[Any]]) -> list[Any]:
        """Each job's result, from `found`: every kind's results, one per item, in order."""
        results: list[Any] = [None] * len(self.batch)
        for write, where in self.places.items():
            if len(found[write]) != len(where):  # (before the commit: nothing half-promised)
                raise RuntimeError(
                    f"a batch write gave {len(found[write])} results for {len(where)}"
                )
            for place, result in zip(where, found[write], strict=True):
                results[place] = result
        return results


def write_all(conn: Connection, batch: Sequence[Job]) -> list[Any]:
    """Each kind of write once, with its items in the order they came; results in batch order."""
    kinds = Kinds(batch)
    return kinds.in_order({write: write(conn, kinds.items(write)) for write in kinds.places})


def _fail(done: asyncio.Future[Any], error: BaseException) -> None:
    if not done.done():
        done.set_exception(error)
        done.exception()  # retrieved: a cancelled caller leaves no "never retrieved" warning
