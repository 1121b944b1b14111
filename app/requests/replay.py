"""Replay refusal: each signed request runs at most once, across every replica of the bot.

The memory lives in the database (`slack_request_seen`), so two processes behind one load
balancer refuse each other's replays. A row is needed only while Slack's signature window is
open: a request signed more than five minutes ago (or ahead) fails the signature check anyway.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from app.requests.models import SeenRequest
from app.requests.wallclock import WallClock
from app.store.engine import SessionFactory

WINDOW_SECONDS = 5 * 60  # Slack's: a signature older (or newer) than this is refused
PRUNE_EVERY_SECONDS = 60.0
_TABLE = SeenRequest.__table__  # type: ignore[attr-defined]


def signature_key(signature: str) -> str:
    """What is stored for a signature: its SHA-256, hex."""
    return hashlib.sha256(signature.encode()).hexdigest()


@dataclass
class ReplayGuard:
    """Remembers the signatures of requests served; `first_use` is False for a replay."""

    db: SessionFactory
    clock: WallClock
    last_pruned: float = field(default=float("-inf"))

    async def first_use(self, *, signature: str, signed_at: int) -> bool:
        """Record this signature; False when it was already used (a replay)."""
        await self._prune_now_and_then()
        row = {
            "signature_sha256": signature_key(signature),
            "signed_at": signed_at,
            "seen_at": datetime.fromtimestamp(self.clock.now(), UTC),
        }
        async with self.db.begin() as session:
            connection = await session.connection()
            statement = _insert_new(connection.dialect.name, row)
            result = await connection.execute(statement)
        return bool(result.rowcount)

    async def prune(self) -> int:
        """Forget signatures whose window has closed; returns how many were forgotten."""
        self.last_pruned = self.clock.now()
        cutoff = int(self.last_pruned) - WINDOW_SECONDS
        async with self.db.begin() as session:
            connection = await session.connection()
            result = await connection.execute(delete(_TABLE).where(_TABLE.c.signed_at < cutoff))
        return int(result.rowcount or 0)

    async def _prune_now_and_then(self) -> None:
        if self.clock.now() - self.last_pruned >= PRUNE_EVERY_SECONDS:
            await self.prune()


def _insert_new(dialect: str, row: dict[str, Any]) -> Any:
    """INSERT … ON CONFLICT DO NOTHING, on SQLite and PostgreSQL alike."""
    if dialect == "postgresql":
        return postgresql.insert(_TABLE).values(**row).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(_TABLE).values(**row).on_conflict_do_nothing()
    raise ValueError(f"replay refusal does not support {dialect}")
