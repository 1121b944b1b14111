"""Write turns: SQLite's one writer, shared by a process's transactions in a fair order."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext

from sqlalchemy.ext.asyncio import AsyncEngine


class WriterTurns:
    """SQLite lets one connection write at a time, and a connection that finds the database
    locked waits in SQLite's busy handler, which sleeps in growing steps (up to 100 ms) before
    it looks again: a command's one-row write could wait 100 ms behind a 2 ms transaction. So
    within a process, SQLite write transactions take turns here instead, and never meet the
    busy handler (other processes still can, and wait as before). The group-commit writer's
    batches (messages waiting for their ack) go `first`: ahead of every transaction still
    waiting, after the one writing now; the others go first come first served. On PostgreSQL,
    rows lock, not the database: no turns."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._on = engine.dialect.name == "sqlite"
        self._held = False
        self._waiting: deque[tuple[bool, asyncio.Future[None]]] = deque()

    def __call__(self, *, first: bool = False) -> AbstractAsyncContextManager[object]:
        return self._turn(first) if self._on else nullcontext()

    @asynccontextmanager
    async def _turn(self, first: bool) -> AsyncIterator[None]:
        if self._held or self._waiting:
            await self._wait(first)
        else:
            self._held = True
        try:
            yield
        finally:
            self._pass_on()

    async def _wait(self, first: bool) -> None:
        turn = asyncio.get_running_loop().create_future()
        entry = (first, turn)
        if first:  # behind the other `first` ones already waiting
            ahead = sum(1 for urgent, _ in self._waiting if urgent)
            self._waiting.insert(ahead, entry)
        else:
            self._waiting.append(entry)
        try:
            await turn  # handed over by `_pass_on`: the turn is ours (`_held` stays True)
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self._pass_on()  # handed to us as we were cancelled: hand it on
            elif entry in self._waiting:  # (or `_pass_on` has dropped it already)
                self._waiting.remove(entry)
            raise

    def _pass_on(self) -> None:
        while self._waiting:
            _, turn = self._waiting.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        self._held = False
