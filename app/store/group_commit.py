"""Group commit: many small writes, one transaction per batch.

Each caller submits one item and awaits its result; one writer task per GroupCommit drains the
queue and hands every item waiting (at most `max_batch`) to `write` inside a single
transaction. While one batch commits, the next one fills, so a batch never waits longer than
the commit before it: under load, hundreds of writes share one commit; alone, a write goes at
once. A caller's result arrives only after its batch has committed, so whoever awaited it may
promise that the write is durable.

If a batch fails, each of its items is written again in a transaction of its own, so one bad
item fails alone and a failure the database gives everyone (an outage, a full disk) reaches
every caller as the exception it raised.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

Item = TypeVar("Item")
Result = TypeVar("Result")
BatchWrite = Callable[[Connection, Sequence[Item]], list[Result]]

logger = logging.getLogger(__name__)
MAX_BATCH = 500


@dataclass
class _Waiting(Generic[Item, Result]):
    item: Item
    done: asyncio.Future[Result] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class GroupCommit(Generic[Item, Result]):
    """Submit items from any task; `write(connection, items)` returns one result per item, in
    order, and runs in one transaction per batch on a pooled connection of `engine`."""

    def __init__(
        self, engine: AsyncEngine, write: BatchWrite[Item, Result], *, max_batch: int = MAX_BATCH
    ) -> None:
        self.engine = engine
        self.write = write
        self.max_batch = max_batch
        self.batches = 0  # committed, for tests and benches
        self._queue: asyncio.Queue[_Waiting[Item, Result]] | None = None
        self._worker: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        """The item's result, once the transaction holding it has committed."""
        waiting: _Waiting[Item, Result] = _Waiting(item)
        self._ensure_worker().put_nowait(waiting)
        return await asyncio.shield(waiting.done)  # a cancelled caller's write still lands

    async def close(self) -> None:
        """Finish what was submitted, then stop the writer."""
        if self._queue is not None and self._worker is not None and not self._worker.done():
            await self._queue.join()
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
        self._queue, self._worker = None, None

    def _ensure_worker(self) -> asyncio.Queue[_Waiting[Item, Result]]:
        if self._queue is None or self._worker is None or self._worker.done():
            self._queue = asyncio.Queue()
            self._worker = asyncio.create_task(self._run(self._queue), name="group-commit")
        return self._queue

    async def _run(self, queue: asyncio.Queue[_Waiting[Item, Result]]) -> None:
        while True:
            batch = [await queue.get()]
            while len(batch) < self.max_batch and not queue.empty():
                batch.append(queue.get_nowait())
            try:
                await self._commit(batch)
            finally:
                for _ in batch:
                    queue.task_done()

    async def _commit(self, batch: list[_Waiting[Item, Result]]) -> None:
        try:
            results = await self._transaction([waiting.item for waiting in batch])
        except Exception as error:
            if len(batch) == 1:
                _fail(batch[0].done, error)
                return
            # the type only: a database error's text can quote the values (message contents)
            kind = type(error).__name__
            logger.warning("a batch of %d writes failed (%s); writing each alone", len(batch), kind)
            for waiting in batch:
                await self._commit([waiting])
            return
        for waiting, result in zip(batch, results, strict=True):
            if not waiting.done.done():  # (done: its caller was cancelled)
                waiting.done.set_result(result)

    async def _transaction(self, items: list[Item]) -> list[Result]:
        async with self.engine.begin() as conn:
            results = await conn.run_sync(self.write, items)
            if len(results) != len(items):  # (before the commit: nothing half-promised)
                raise RuntimeError(f"a batch write gave {len(results)} results for {len(items)}")
        self.batches += 1
        return results


def _fail(done: asyncio.Future[Result], error: BaseException) -> None:
    if not done.done():
        done.set_exception(error)
        done.exception()  # retrieved: a cancelled caller leaves no "never retrieved" warning
