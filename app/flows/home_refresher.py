"""Refreshing Home tabs after changes, only for people who look at theirs.

Who looks at their tab is in the database (an outbox row per viewer, made when they first
open it: app/flows/home.py), so every process refreshes every viewer. Touches are coalesced:
a burst of changes becomes one new wanted version per viewer after `delay` seconds, and the
outbox worker publishes it (retrying what Slack refuses), so a busy war room never floods
Slack's rate limits. What refreshes the tabs is given by the composition root
(app/flows/home.py's `refresh_homes`, bound to the bot's collaborators).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable

from app.errors import SlackFailure
from app.store.trouble import database_trouble

logger = logging.getLogger(__name__)

TASK_NAME = "crisisroom:home-refresh"
Refresh = Callable[[frozenset[str] | None], Awaitable[None]]  # None: every viewer


class HomeRefresher:
    def __init__(self, refresh: Refresh | None = None, *, delay: float = 1.0) -> None:
        self.refresh = refresh
        self.delay = delay
        self._pending: set[str] = set()
        self._everyone = False
        self._task: asyncio.Task[None] | None = None

    def viewed(self, user_id: str) -> None:
        """Someone opened their tab (the database remembers them: app/flows/home.py)."""

    def touch(self, user_ids: Iterable[str] | None = None) -> None:
        """Refresh these viewers' tabs soon (every viewer's when `user_ids` is None)."""
        if self.refresh is None:
            return
        if user_ids is None:
            self._everyone = True
        else:
            self._pending |= {user for user in user_ids if user}
        if (self._everyone or self._pending) and self.idle:
            self._task = asyncio.create_task(self._flush_later(self.refresh), name=TASK_NAME)

    @property
    def idle(self) -> bool:
        return self._task is None or self._task.done()

    async def _flush_later(self, refresh: Refresh) -> None:
        await asyncio.sleep(self.delay)
        while self._everyone or self._pending:
            users = None if self._everyone else frozenset(self._pending)
            self._pending, self._everyone = set(), False
            try:
                await refresh(users)
            except SlackFailure as failure:
                logger.warning("could not refresh Home tabs: %s", failure.error)
            except Exception as error:
                trouble = database_trouble(error)
                if trouble is None:
                    logger.exception("refreshing Home tabs failed; the next change tries again")
                else:
                    logger.warning("Home tabs wait for the next change: %s", trouble)
