"""Refreshing Home tabs after changes, only for people who look at theirs.

Refreshes are coalesced: a burst of changes becomes one views.publish per viewer after `delay`
seconds, so a busy war room never floods Slack's rate limits. What publishes one tab is given
by the composition root (app/flows/home.py's `publish`, bound to the bot's collaborators).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable

from app.errors import SlackFailure

logger = logging.getLogger(__name__)

TASK_NAME = "crisisroom:home-refresh"
Publish = Callable[[str], Awaitable[None]]


class HomeRefresher:
    def __init__(self, publish: Publish | None = None, *, delay: float = 1.0) -> None:
        self.publish = publish
        self.delay = delay
        self.viewers: set[str] = set()
        self._pending: set[str] = set()
        self._task: asyncio.Task[None] | None = None

    def viewed(self, user_id: str) -> None:
        self.viewers.add(user_id)

    def touch(self, user_ids: Iterable[str] | None = None) -> None:
        """Refresh these viewers' tabs soon (every viewer's when `user_ids` is None)."""
        if self.publish is None:
            return
        targets = self.viewers if user_ids is None else self.viewers & set(user_ids)
        self._pending |= targets
        if self._pending and (self._task is None or self._task.done()):
            self._task = asyncio.create_task(self._flush_later(self.publish), name=TASK_NAME)

    @property
    def idle(self) -> bool:
        return self._task is None or self._task.done()

    async def _flush_later(self, publish: Publish) -> None:
        await asyncio.sleep(self.delay)
        while self._pending:
            users, self._pending = self._pending, set()
            for user in sorted(users):
                try:
                    await publish(user)
                except SlackFailure as failure:
                    logger.warning("could not refresh the Home tab of %s: %s", user, failure.error)
