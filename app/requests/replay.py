"""Replay refusal: each signed request runs at most once, across every replica of the bot.

The memory lives in the database (`slack_request_seen`), so two processes behind one load
balancer refuse each other's replays. A row is needed only while Slack's signature window is
open: a request signed more than five minutes ago (or ahead) fails the signature check anyway.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, delete

from app.requests.models import SeenRequest
from app.requests.wallclock import WallClock
from app.store.dialects import insert_of
from app.store.engine import SessionFactory

WINDOW_SECONDS = 5 * 60  # Slack's: a signature older (or newer) than this is refused
PRUNE_EVERY_SECONDS = 60.0
_TABLE = SeenRequest.__table__  # type: ignore[attr-defined]


def signature_key(signature: str) -> str:
    """What is stored for a signature: its SHA-256, hex."""
    return hashlib.sha256(signature.encode()).hexdigest()


@dataclass
class ReplayGuard:
    """Remembers the signatures of requests served; `first_use` is False for a replay.

    Signatures are written by the database's group-commit writer (app/store/group_commit.py):
    under a burst of events, hundreds share one INSERT and one commit (the same commit as the
    record entries of the events before them), and each request still waits for its row to be
    committed before it runs."""

    db: SessionFactory
    clock: WallClock
    last_pruned: float = field(default=float("-inf"))

    async def first_use(self, *, signature: str, signed_at: int) -> bool:
        """Record this signature; False when it was already used (a replay). Marks queue in
        the order requests came (the first of two equal ones wins); pruning comes after."""
        row = {
            "signature_sha256": signature_key(signature),
            "signed_at": signed_at,
            "seen_at": datetime.fromtimestamp(self.clock.now(), UTC),
        }
        first = await self.db.writer.submit(insert_new, row)
        await self._prune_now_and_then()
        return first

    async def forget(self, *, signature: str) -> None:
        """This request was not served after all (the bot answered 5xx, so Slack retries an
        event, possibly in the same second, with the same signature): let it run again."""
        key = _TABLE.c.signature_sha256 == signature_key(signature)
        async with self.db.begin() as session:
            await (await session.connection()).execute(delete(_TABLE).where(key))

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


def insert_new(conn: Connection, rows: Sequence[dict[str, Any]]) -> list[bool]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING, one executemany for the batch (one compiled
    statement, whatever the batch's size): True for each row that was new (of two equal
    signatures in one batch, the first)."""
    statement = _insert_new(conn.dialect.name)
    return answers(rows, set(conn.execute(statement, firsts(rows)).scalars()))


def firsts(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows to insert: the first of each signature."""
    first: dict[str, dict[str, Any]] = {}
    for row in rows:
        first.setdefault(row["signature_sha256"], row)
    return list(first.values())


def answers(rows: Sequence[dict[str, Any]], inserted: set[str]) -> list[bool]:
    """Each row's answer, given the signatures the insert of `firsts(rows)` stored."""
    seen: set[str] = set()
    found: list[bool] = []
    for row in rows:
        key = row["signature_sha256"]
        found.append(key in inserted and key not in seen)
        seen.add(key)
    return found


@cache
def _insert_new(dialect_name: str) -> Any:
    """Built once per dialect (statements are immutable): the hot path only binds values."""
    insert = insert_of(dialect_name)(_TABLE)
    return insert.on_conflict_do_nothing().returning(_TABLE.c.signature_sha256)
