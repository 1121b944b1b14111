"""Claiming a record checkpoint in the database before posting it, so it is posted once.

The pattern of app/claims/: a process posts a checkpoint only after winning its row
(inserting it already claimed, or taking back one that is unposted, unclaimed or claimed longer
ago than the lease, and not waiting for a retry). The claim is committed before the Slack call;
afterwards the poster marks it posted, or releases it with a backoff so a later pass retries.
Deciding which checkpoint is owed happens after a no-op write on the incident row, so two
processes never both decide on an hourly checkpoint for the same incident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from app.claims.rules import CLAIM_LEASE, backoff
from app.incidents.models import Incident, Status
from app.record.append import ENTRY, HEAD
from app.record.checkpoints import ChainState, RecordCheckpoint, owed
from app.store.dialects import insert_of
from app.store.locking import lock_row

POINT = RecordCheckpoint.__table__  # type: ignore[attr-defined]
INCIDENT = Incident.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Claimed:
    id: int
    incident_id: int
    seq: int
    hash: str

    @property
    def ref(self) -> str:
        return f"INC-{self.incident_id}"


async def behind(session: AsyncSession, incident_id: int | None = None) -> list[ChainState]:
    """Incidents whose chain has grown past their last checkpoint."""
    last = (
        select(
            POINT.c.incident_id,
            func.max(POINT.c.seq).label("seq"),
            func.max(func.coalesce(POINT.c.posted_at, POINT.c.claimed_at)).label("at"),
        )
        .group_by(POINT.c.incident_id)
        .subquery()
    )
    query = (
        select(
            INCIDENT.c.id,
            INCIDENT.c.status,
            INCIDENT.c.opened_at,
            HEAD.c.seq,
            last.c.seq,
            last.c.at,
        )
        .join(HEAD, HEAD.c.incident_id == INCIDENT.c.id)
        .outerjoin(last, last.c.incident_id == INCIDENT.c.id)
        .where(HEAD.c.seq > func.coalesce(last.c.seq, 0))
        .order_by(INCIDENT.c.id)
    )
    if incident_id is not None:
        query = query.where(INCIDENT.c.id == incident_id)
    rows = (await _run(session, query)).all()
    return [
        ChainState(
            incident_id=int(row[0]),
            is_open=row[1] != Status.RESOLVED.value,
            opened_at=row[2],
            head_seq=int(row[3]),
            last_seq=int(row[4] or 0),
            last_at=row[5],
        )
        for row in rows
    ]


async def claim(
    session: AsyncSession, *, incident_id: int, every: int, now: datetime, token: str
) -> Claimed | None:
    """Claim the checkpoint owed now for the incident, if any (writes before it reads)."""
    if not await lock_row(session, Incident, incident_id, column=Incident.status):
        return None
    states = await behind(session, incident_id)
    seq = owed(states[0], every=every, now=now) if states else None
    if seq is None:
        return None
    digest = (
        await _run(
            session,
            select(ENTRY.c.hash).where(ENTRY.c.incident_id == incident_id, ENTRY.c.seq == seq),
        )
    ).scalar()
    if digest is None:
        return None
    values = {"incident_id": incident_id, "seq": seq, "hash": digest, "attempts": 0}
    insert = insert_of(session.get_bind().dialect.name)
    inserted = await _run(
        session,
        insert(POINT)
        .values(**values, claimed_by=token, claimed_at=now)
        .on_conflict_do_nothing(index_elements=["incident_id", "seq"])
        .returning(POINT.c.id),
    )
    new_id = inserted.scalar()
    return None if new_id is None else Claimed(int(new_id), incident_id, seq, str(digest))


async def _run(session: AsyncSession, statement: Any) -> Any:
    """Core statements on the session's connection, inside the caller's transaction."""
    return await (await session.connection()).execute(statement)


def _free(now: datetime) -> list[Any]:
    """Unposted, not claimed by a live process, not waiting for its retry time."""
    return [
        POINT.c.posted_at.is_(None),
        or_(
            POINT.c.claimed_by.is_(None),
            and_(POINT.c.claimed_at.is_not(None), POINT.c.claimed_at < now - CLAIM_LEASE),
        ),
        or_(POINT.c.retry_at.is_(None), POINT.c.retry_at <= now),
    ]


async def retryable(session: AsyncSession, now: datetime) -> list[int]:
    query = select(POINT.c.id).where(*_free(now)).order_by(POINT.c.id)
    return [int(found) for found in (await _run(session, query)).scalars()]


async def retake(
    session: AsyncSession, checkpoint_id: int, *, token: str, now: datetime
) -> Claimed | None:
    """Take back a checkpoint whose post failed or whose poster died mid-post."""
    taken = await _run(
        session,
        update(POINT)
        .where(POINT.c.id == checkpoint_id, *_free(now))
        .values(claimed_by=token, claimed_at=now),
    )
    if taken.rowcount != 1:
        return None
    row = (await _run(session, select(POINT).where(POINT.c.id == checkpoint_id))).one()
    return Claimed(int(row.id), int(row.incident_id), int(row.seq), str(row.hash))


async def mark_posted(
    session: AsyncSession, checkpoint_id: int, *, token: str, now: datetime, ts: str
) -> bool:
    """Record the post; False if the claim was no longer ours (it had gone stale)."""
    done = await _run(
        session,
        update(POINT)
        .where(POINT.c.id == checkpoint_id, POINT.c.claimed_by == token)
        .where(POINT.c.posted_at.is_(None))
        .values(posted_at=now, ts=ts, claimed_by=None, claimed_at=None, retry_at=None),
    )
    return bool(done.rowcount == 1)


async def release(
    session: AsyncSession, checkpoint_id: int, *, token: str, now: datetime, error: str
) -> None:
    """Give the claim back after a failed post, counting the attempt (writes before it reads)."""
    mine = [POINT.c.id == checkpoint_id, POINT.c.claimed_by == token]
    counted = await _run(
        session,
        update(POINT).where(*mine).values(attempts=POINT.c.attempts + 1, last_error=error[:64]),
    )
    if counted.rowcount != 1:
        return
    attempts = (
        await _run(session, select(POINT.c.attempts).where(POINT.c.id == checkpoint_id))
    ).scalar_one()
    await _run(
        session,
        update(POINT)
        .where(*mine)
        .values(claimed_by=None, claimed_at=None, retry_at=now + backoff(int(attempts))),
    )
