"""Ordered, background delivery of Slack-shaped events to subscribers."""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Awaitable, Callable
from typing import Any

EventCallback = Callable[[dict[str, Any]], Awaitable[Any]]
ContextCallback = Callable[[dict[str, Any], Any], Awaitable[Any]]
"""Also told where the event happened (the acting installation, app/slackdouble/workspaces.py)."""

log = logging.getLogger(__name__)


class EventBus:
    """Queues events and awaits every subscriber for each, one event at a time.

    Delivery runs in a background task so the API call that caused an event
    answers first; events still reach subscribers in the order they happened.
    """

    def __init__(self) -> None:
        self._subscribers: list[EventCallback] = []
        self._with_context: list[ContextCallback] = []
        self._queue: asyncio.Queue[tuple[dict[str, Any], Any]] | None = None
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

    def subscribe_with_context(self, callback: ContextCallback) -> None:
        self._with_context.append(callback)

    def unsubscribe_with_context(self, callback: ContextCallback) -> None:
        self._with_context.remove(callback)

    def emit(self, event: dict[str, Any], context: Any = None) -> None:
        if not self._subscribers and not self._with_context:
            return
        self._ensure_worker().put_nowait((copy.deepcopy(event), context))
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

    def _ensure_worker(self) -> asyncio.Queue[tuple[dict[str, Any], Any]]:
        if self._queue is None or self._worker is None or self._worker.done():
            self._queue = asyncio.Queue()
            self._worker = asyncio.get_running_loop().create_task(self._run(self._queue))
        return self._queue

    async def _run(self, queue: asyncio.Queue[tuple[dict[str, Any], Any]]) -> None:
        while True:
            event, context = await queue.get()
            try:
                for callback in list(self._subscribers):
                    await self._deliver(callback(event), event)
                for with_context in list(self._with_context):
                    await self._deliver(with_context(event, context), event)
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
    async def _deliver(delivery: Awaitable[Any], event: dict[str, Any]) -> None:
        try:
            await delivery
        except Exception:
            log.exception("slackdouble event subscriber failed for %s", event.get("type"))
