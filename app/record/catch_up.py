"""The catch-up schedule of each open incident's record (`record_catch_up`, issue 13).

- `adopt` gives every open incident a row (first look one `ROUTINE_EVERY` later: the start's
  full reconcile or live events cover a new incident until then).
- `mark` persists a process's gap marks: the incident is due at once, or `MARK_DELAY` after
  its last pass if that was more recent (a gap noticed again and again is walked at most so
  often).
- `take_next` leases the most urgent due incident (marked ones first) for `LEASE`: one UPDATE
  of one row chosen `FOR UPDATE SKIP LOCKED` on PostgreSQL, so two replicas never take the
  same incident; on SQLite the UPDATE takes the database's write lock first.
- `finish` moves the row on after a pass: the newest ts seen, the next look, and the gap
  cleared unless a new one was noticed since the pass began (then it is due again soon).
Services leave the transaction to their caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Connection, case, func, or_, update
from sqlalchemy import select as core_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.incidents.models import Incident, Status
from app.record.append import ENTRY
from app.record.catch_up_models import RecordCatchUp
from app.record.gaps import Gap, GapMarks
from app.store.dialects import insert_of

ROUTINE_EVERY = timedelta(minutes=5)  # each open incident, gap or not: one history call
MARK_DELAY = timedelta(seconds=30)  # a marked incident is looked at this soon (at most so often)
LEASE = timedelta(minutes=2)  # a taken incident is another replica's again after this

BATCH = 500
ROW = RecordCatchUp.__table__  # type: ignore[attr-defined]
OPEN_IDS = select(col(Incident.id)).where(col(Incident.status) != Status.RESOLVED)


@dataclass(frozen=True)
class Taken:
    incident_id: int
    gap_since: datetime | None
    reconciled_ts: str | None


async def adopt(session: AsyncSession, *, now: datetime) -> int:
    """A row for every open incident that has none; returns how many were added."""
    has_row = select(col(RecordCatchUp.incident_id))
    orphans = OPEN_IDS.where(col(Incident.id).not_in(has_row))
    ids = list((await session.exec(orphans)).all())  # read first: usually nothing to write
    rows = [{"incident_id": i, "due_at": now + ROUTINE_EVERY} for i in ids if i is not None]
    if rows:
        await session.exec(_insert_ignore(session, rows))
    return len(rows)


def _insert_ignore(session: AsyncSession, rows: list[dict[str, Any]]) -> Any:
    """INSERT … ON CONFLICT DO NOTHING: a replica adopting the same incident is no error."""
    insert = insert_of(session.get_bind().dialect.name)
    return insert(ROW).values(rows).on_conflict_do_nothing(index_elements=["incident_id"])


async def mark(session: AsyncSession, marks: GapMarks, *, now: datetime) -> int:
    """Persist the marks on the open incidents they name; returns how many rows changed."""
    changed = 0
    for channel_id, gap in marks.channels.items():
        ids = OPEN_IDS.where(col(Incident.channel_id) == channel_id)
        changed += await _mark(session, ids, gap, now)
    if marks.everything is not None:
        changed += await _mark(session, OPEN_IDS, marks.everything, now)
    return changed


async def _mark(session: AsyncSession, ids: Any, gap: Gap, now: datetime) -> int:
    since, noticed = col(RecordCatchUp.gap_since), col(RecordCatchUp.gap_noticed)
    due, last = col(RecordCatchUp.due_at), col(RecordCatchUp.reconciled_at)
    rested = or_(last.is_(None), last <= now - MARK_DELAY)
    soon = now + MARK_DELAY
    result = await session.exec(
        update(RecordCatchUp)
        .where(col(RecordCatchUp.incident_id).in_(ids.scalar_subquery()))
        .values(
            gap_since=case((or_(since.is_(None), since > gap.since), gap.since), else_=since),
            gap_noticed=case(
                (or_(noticed.is_(None), noticed < gap.noticed), gap.noticed), else_=noticed
            ),
            due_at=case((rested & (due > now), now), (due > soon, soon), else_=due),
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


async def any_due(session: AsyncSession, *, now: datetime) -> bool:
    """A read: is any open incident due? (An idle pass writes nothing.)"""
    return (await session.exec(_due(now).limit(1))).first() is not None


def _due(now: datetime) -> Any:
    return select(col(RecordCatchUp.incident_id)).where(
        col(RecordCatchUp.due_at) <= now, col(RecordCatchUp.incident_id).in_(OPEN_IDS)
    )


async def take_next(session: AsyncSession, *, now: datetime) -> Taken | None:
    """Lease the most urgent due incident (a known gap first, then the longest due)."""
    unmarked = case((col(RecordCatchUp.gap_since).is_(None), 1), else_=0)
    first = (
        _due(now)
        .order_by(unmarked, col(RecordCatchUp.due_at), col(RecordCatchUp.incident_id))
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    taken = await session.exec(
        update(RecordCatchUp)
        .where(col(RecordCatchUp.incident_id).in_(first.scalar_subquery()))
        .values(due_at=now + LEASE)
        .returning(
            col(RecordCatchUp.incident_id),
            col(RecordCatchUp.gap_since),
            col(RecordCatchUp.reconciled_ts),
        )
        .execution_options(synchronize_session=False)
    )
    row = taken.first()
    return None if row is None else Taken(int(row[0]), row[1], row[2])


async def finish(
    session: AsyncSession, taken: Taken, *, newest: str | None, started: datetime, now: datetime
) -> RecordCatchUp | None:
    """After a pass that read history up to `newest`: clear the gap it closed (one noticed
    after `started`, or earlier than the one it saw, stays and is due soon)."""
    row = await _locked(session, taken.incident_id)
    if row is None:
        return None
    closed = row.gap_since == taken.gap_since and (
        row.gap_noticed is None or row.gap_noticed <= started
    )
    if closed:
        row.gap_since = row.gap_noticed = None
    row.due_at = now + (ROUTINE_EVERY if row.gap_since is None else MARK_DELAY)
    row.reconciled_ts = newer(row.reconciled_ts, newest)
    row.reconciled_at = now
    session.add(row)
    return row


async def advance(
    session: AsyncSession, incident_id: int, newest: str | None, now: datetime
) -> None:
    """A full reconcile read history up to `newest`: later passes start there."""
    first = {"incident_id": incident_id, "due_at": now + ROUTINE_EVERY}
    await session.exec(_insert_ignore(session, [first]))
    row = await _locked(session, incident_id)
    if row is not None:
        row.reconciled_ts = newer(row.reconciled_ts, newest)
        row.reconciled_at = now
        session.add(row)


async def _locked(session: AsyncSession, incident_id: int) -> RecordCatchUp | None:
    """The row, write-locked (a no-op UPDATE first, as app/store/locking.py does)."""
    await session.exec(
        update(RecordCatchUp)
        .where(col(RecordCatchUp.incident_id) == incident_id)
        .values(due_at=RecordCatchUp.due_at)
        .execution_options(synchronize_session=False)
    )
    return await session.get(RecordCatchUp, incident_id, populate_existing=True)


async def backlog(session: AsyncSession) -> tuple[int, datetime | None]:
    """How many open incidents wait for a catch-up of a known gap, and the oldest gap."""
    query = select(func.count(), func.min(col(RecordCatchUp.gap_since))).where(
        col(RecordCatchUp.gap_since).is_not(None), col(RecordCatchUp.incident_id).in_(OPEN_IDS)
    )
    count, oldest = (await session.exec(query)).one()
    return int(count or 0), oldest


def newer(known: str | None, seen: str | None) -> str | None:
    """The later of two Slack ts (either may be None)."""
    if known is None or seen is None:
        return seen if known is None else known
    return seen if ts_number(seen) > ts_number(known) else known


def ts_number(ts: str | None) -> Decimal:
    try:
        return Decimal(ts or "0")
    except InvalidOperation:
        return Decimal(0)


def keys_among(conn: Connection, incident_id: int, wanted: list[str]) -> set[str]:
    """Which of these dedupe keys the incident's record holds (its unique index answers;
    synchronous, for `run_sync`)."""
    found: set[str] = set()
    for start in range(0, len(wanted), BATCH):
        query = core_select(ENTRY.c.dedupe_key).where(
            ENTRY.c.incident_id == incident_id,
            ENTRY.c.dedupe_key.in_(wanted[start : start + BATCH]),
        )
        found.update(conn.execute(query).scalars())
    return found
