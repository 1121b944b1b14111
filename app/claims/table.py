"""The SQL of a claim, written once for every table of claimed rows (rules: app/claims/rules.py).

A `ClaimTable` names the model (with `ClaimColumns`) and turns a key into the values of the
table's unique key columns; claim, mark_sent, release and heartbeat are the same statements on
each table. Every statement that decides something writes before it reads, so SQLite takes its
write lock first and two processes never both win.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from app.claims.columns import ClaimColumns
from app.claims.rules import ATTEMPT_AT_MOST, CLAIM_LEASE, STALE_AFTER, Claimed, backoff
from app.store.dialects import insert_of

Row = TypeVar("Row", bound=ClaimColumns)
Key = TypeVar("Key")
UNCLAIMED: dict[str, Any] = {"claimed_by": None, "claimed_at": None, "heartbeat_at": None}


@dataclass(frozen=True)
class ClaimTable(Generic[Row, Key]):
    """One table of claimed rows. `columns(key)` gives the unique key's column values (in the
    unique constraint's order); `since_column`, if set, is the column that bounds when Slack
    could have a message first claimed before `first_claimed_at` existed (else the claim).
    `workspace(key)`, if set, gives the values a new row is inserted with besides its key:
    whose workspace it is (issue 16)."""

    model: type[Row]
    columns: Callable[[Key], dict[str, Any]]
    since_column: str | None = None
    workspace: Callable[[Key], dict[str, Any]] | None = None

    def _matches(self, key: Key) -> list[ColumnElement[bool]]:
        return [getattr(self.model, name) == value for name, value in self.columns(key).items()]

    def _free(self, now: datetime) -> list[ColumnElement[bool]]:
        """Unsent, not waiting for a retry, and unclaimed or held by a process gone quiet."""
        m = self.model
        beat, at = col(m.heartbeat_at), col(m.claimed_at)
        stopped = and_(beat.is_not(None), beat < now - STALE_AFTER)
        expired = and_(at.is_not(None), at < now - CLAIM_LEASE)
        return [
            col(m.sent_at).is_(None),
            or_(col(m.claimed_by).is_(None), stopped, expired),
            or_(col(m.retry_at).is_(None), col(m.retry_at) <= now),
        ]

    def _mine(self, key: Key, owner: str, claimed: Claimed) -> list[ColumnElement[bool]]:
        m = self.model
        return [*self._matches(key), col(m.claimed_by) == owner, col(m.claimed_at) == claimed.at]

    async def claim(
        self, session: AsyncSession, key: Key, *, owner: str, now: datetime
    ) -> Claimed | None:
        """The claim for exactly one caller while the message is unsent."""
        unique = self.columns(key)
        insert = insert_of(session.get_bind().dialect.name)
        inserted = await session.exec(
            insert(self.model)
            .values(
                **unique,
                **(self.workspace(key) if self.workspace else {}),
                claimed_by=owner,
                claimed_at=now,
                heartbeat_at=now,
                first_claimed_at=now,
                attempt_started_at=now,
                attempts=0,
            )
            .on_conflict_do_nothing(index_elements=list(unique))
        )
        if inserted.rowcount == 1:
            return Claimed(at=now, since=now, unknown=False)
        taken = await session.exec(
            update(self.model)
            .where(*self._matches(key), *self._free(now))
            .values(claimed_by=owner, claimed_at=now, heartbeat_at=now)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:
            return None
        row = await self.row(session, key)
        assert row is not None
        before = getattr(row, self.since_column) if self.since_column else now
        since = row.first_claimed_at or before
        claimed = Claimed(at=now, since=since, unknown=row.attempt_started_at is not None)
        await self._set(
            session, self._mine(key, owner, claimed), attempt_started_at=now, first_claimed_at=since
        )
        return claimed

    async def mark_sent(
        self,
        session: AsyncSession,
        key: Key,
        *,
        owner: str,
        claimed: Claimed,
        now: datetime,
        ts: str,
    ) -> bool:
        """Record the send; False if the claim was no longer ours (it had been taken over)."""
        done = await self._set(
            session,
            [*self._mine(key, owner, claimed), col(self.model.sent_at).is_(None)],
            sent_at=now,
            ts=ts,
            **UNCLAIMED,
            attempt_started_at=None,
            retry_at=None,
        )
        return done == 1

    async def release(
        self,
        session: AsyncSession,
        key: Key,
        *,
        owner: str,
        claimed: Claimed,
        now: datetime,
        error: str,
        unknown: bool,
    ) -> None:
        """Give the claim back after a failed send, counting the attempt. With `unknown`, Slack
        may have the message: the next claimant looks it up first."""
        mine = self._mine(key, owner, claimed)
        attempts = col(self.model.attempts) + 1
        counted = await self._set(session, mine, attempts=attempts, last_error=error[:64])
        row = await self.row(session, key)
        if counted != 1 or row is None:
            return
        await self._set(
            session,
            mine,
            **UNCLAIMED,
            attempt_started_at=row.attempt_started_at if unknown else None,
            retry_at=now + backoff(row.attempts),
        )

    async def heartbeat(self, session: AsyncSession, *, owner: str, now: datetime) -> int:
        """`owner` is alive: refresh every claim it holds with an attempt that may still be
        running (one UPDATE, and none when it holds nothing, so a read-only database is not
        written to). Returns how many."""
        m = self.model
        held = [
            col(m.claimed_by) == owner,
            col(m.sent_at).is_(None),
            col(m.claimed_at) >= now - ATTEMPT_AT_MOST,
        ]
        ids = getattr(m, "id")  # noqa: B009 (every claim table has an id; the mixin cannot)
        if (await session.exec(select(ids).where(*held).limit(1))).first() is None:
            return 0
        return await self._set(session, held, heartbeat_at=now)

    async def row(self, session: AsyncSession, key: Key) -> Row | None:
        """The key's row, fresh from the database."""
        query = (
            select(self.model).where(*self._matches(key)).execution_options(populate_existing=True)
        )
        return (await session.exec(query)).first()

    async def _set(
        self, session: AsyncSession, where: list[ColumnElement[bool]], **values: Any
    ) -> int:
        done = await session.exec(
            update(self.model)
            .where(*where)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return int(done.rowcount or 0)
