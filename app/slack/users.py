"""People in the workspace (and Slack Connect partners), looked up with users.info and cached;
their organisations (team.info), cached the same way."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from app.clock import Clock

T = TypeVar("T")

CACHE_FOR = timedelta(minutes=10)


@dataclass(frozen=True)
class SlackUser:
    id: str
    name: str
    real_name: str
    is_admin: bool = False
    is_owner: bool = False
    deleted: bool = False
    is_bot: bool = False
    tz: str = "UTC"
    team_id: str = ""  # their home workspace: a Slack Connect partner's is not ours
    enterprise_id: str | None = None  # their Enterprise Grid org (users.info `enterprise_user`)
    org_admin: bool = False  # an admin or owner of that whole org

    @property
    def display(self) -> str:
        return self.real_name or self.name or self.id

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> SlackUser:
        profile = data.get("profile") or {}
        org = data.get("enterprise_user") or {}
        return cls(
            id=data["id"],
            name=data.get("name") or "",
            real_name=data.get("real_name") or profile.get("real_name") or "",
            is_admin=bool(data.get("is_admin") or data.get("is_owner")),
            is_owner=bool(data.get("is_owner") or data.get("is_primary_owner")),
            deleted=bool(data.get("deleted")),
            is_bot=bool(data.get("is_bot")),
            tz=data.get("tz") or "UTC",
            team_id=data.get("team_id") or profile.get("team") or "",
            enterprise_id=org.get("enterprise_id") or None,
            org_admin=bool(org.get("is_admin") or org.get("is_owner")),
        )


@dataclass(frozen=True)
class SlackTeam:
    """A workspace (team.info): ours, or a Slack Connect partner's organisation."""

    id: str
    name: str
    enterprise_id: str | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> SlackTeam:
        return cls(data["id"], data.get("name") or "", data.get("enterprise_id") or None)


class Directory(Generic[T]):
    """A lookup (through the gateway's `fetch`) with a short cache; `None` for what Slack does
    not know. Single-flight: concurrent lookups of one id share one request."""

    def __init__(self, fetch: Callable[[str], Awaitable[T | None]], clock: Clock) -> None:
        self._fetch = fetch
        self._clock = clock
        self._cache: dict[str, tuple[T | None, datetime]] = {}
        self._in_flight: dict[str, asyncio.Future[T | None]] = {}

    async def get(self, user_id: str) -> T | None:
        now = self._clock.now()
        cached = self._cache.get(user_id)
        if cached is not None and now - cached[1] < CACHE_FOR:
            return cached[0]
        pending = self._in_flight.get(user_id)
        if pending is None:
            pending = asyncio.ensure_future(self._lookup(user_id, now))
            pending.add_done_callback(_retrieve)
            self._in_flight[user_id] = pending
        # shield: one caller cancelled (its request timed out) leaves the lookup to the others
        return await asyncio.shield(pending)

    async def _lookup(self, user_id: str, now: datetime) -> T | None:
        """The one request for this user; a failure reaches every waiter and is not cached."""
        try:
            user = await self._fetch(user_id)
            self._cache[user_id] = (user, now)
            return user
        finally:
            self._in_flight.pop(user_id, None)


class UserDirectory(Directory[SlackUser]):
    """users.info, cached: the people the bot meets."""


def _retrieve(done: asyncio.Future[Any]) -> None:
    """Mark a failed lookup's error as seen even when every waiter was cancelled."""
    if not done.cancelled():
        done.exception()
