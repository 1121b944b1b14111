"""Ordered, background delivery of Slack-shaped events to subscribers."""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Awaitable, Callable
from typing import Any

EventCallback = Callable[[dict[str, Any]], Awaitable[Any]]

log = logging.getLogger(__name__)


class EventBus:
    """Queues events and awaits every subscriber for each, one event at a time.

    Delivery runs in a background task so the API call that caused an event
    answers first; events still reach subscribers in the order they happened.
    """

    def __init__(self) -> None:
        self._subscribers: list[EventCallback] = []
        self._queue: asyncio.Queue[dict[str, Any]] | None = None
        self._worker: asyncio.Task[None] | None = None
        self._undelivered = 0  # emitted, not yet delivered to every subscriber
        self.emitted = 0  # ever emitted; `delivered` of them have reached every subscriber
        self.delivered = 0
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []

    @property
    def idle(self) -> bool:
        """Every event emitted so far has reached every subscriber."""
        return self._undelivered == 0

    def subscribe(self, callback: EventCallback) -> None:
        self._subscribers.append(callback)

    def unsubscribe(self, callback: EventCallback) -> None:
        self._subscribers.remove(callback)

    def emit(self, event: dict[str, Any]) -> None:
        if not self._subscribers:
            return
        self._ensure_worker().put_nowait(copy.deepcopy(event))
        self._undelivered += 1
        self.emitted += 1

    async def delivered_through(self, count: int) -> None:
        """Wait until the first `count` events emitted have reached every subscriber (what a
        call must wait for to deliver its own events first, without waiting on the event
        being delivered now, whose subscriber may be calling the API)."""
        if self.delivered >= count:
            return
        done = asyncio.get_running_loop().create_future()
        self._waiters.append((count, done))
        await done

    async def drain(self) -> None:
        """Wait until every event emitted so far has been delivered."""
        if self._queue is not None:
            await self._queue.join()

    async def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
        self._worker = None
        self._queue = None
        self._undelivered = 0
        self.delivered = self.emitted
        self._wake()

    def _ensure_worker(self) -> asyncio.Queue[dict[str, Any]]:
        if self._queue is None or self._worker is None or self._worker.done():
            self._queue = asyncio.Queue()
            self._worker = asyncio.get_running_loop().create_task(self._run(self._queue))
        return self._queue

    async def _run(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        while True:
            event = await queue.get()
            try:
                for callback in list(self._subscribers):
                    await self._deliver(callback, event)
            finally:
                self._undelivered -= 1
                self.delivered += 1
                self._wake()
                queue.task_done()

    def _wake(self) -> None:
        waiting = []
        for count, done in self._waiters:
            if self.delivered >= count and not done.done():
                done.set_result(None)
            elif not done.done():
                waiting.append((count, done))
        self._waiters = waiting

    @staticmethod
    async def _deliver(callback: EventCallback, event: dict[str, Any]) -> None:
        try:
            await callback(event)
        except Exception:
            log.exception("slackdouble event subscriber failed for %s", event.get("type"))
