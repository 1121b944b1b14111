"""When the alert pass next looks at one metric of one incident (`MetricWatch.check_at`).

A tick reads only the watches whose `check_at` has come (indexed), so it costs what is due, not
the number of incidents. A new point makes its metric due at once (`arrived`, called by
`record_points`); opening an incident watches its playbook's expected metrics from their first
possible silence (`start`); each look sets the next time anything can change without a new
point (a silence growing long enough, a recovery lasting long enough, a message to retry), or
clears it, unless a point arrived meanwhile (`arrivals` counts them). `take_due` leases what
it reads like the reminder passes (app/store/due.py), so two processes never look at the same
watch at once; the alerts' unique keys still decide what fires.

A look reads only what is new (app/metrics/lookback.py), so the watch keeps what the looks have
taken in (`Looked`): the points stored up to `seen_id` (an incident's points are stored one
transaction at a time, under its row lock, so their ids rise in the order they commit), the
moment `looked_at` they were judged at, and the last point received (`heard_at`, its value),
which a silence counts from. It only moves forward: a look that ran late (its lease lapsed and
another took the watch) never sets it back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Float,
    ForeignKey,
    Insert,
    Integer,
    String,
    UniqueConstraint,
    Update,
    and_,
    bindparam,
    case,
    or_,
)
from sqlmodel import Field, SQLModel, col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from app.claims.rules import STALE_AFTER
from app.metrics.models import METRIC_MAX
from app.store.dialects import insert_of
from app.store.due import take_due as leased
from app.store.types import UTCDateTime

TAKE_LIMIT = 500
LOOK_LEASE = STALE_AFTER
AGAIN = timedelta(minutes=1)  # a look that failed looks again this much later


class MetricWatch(SQLModel, table=True):
    __tablename__ = "metric_watch"
    __table_args__ = (UniqueConstraint("incident_id", "metric", name="uq_metric_watch"),)

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(sa_column=Column(Integer, ForeignKey("incident.id"), nullable=False))
    metric: str = Field(sa_column=Column(String(METRIC_MAX), nullable=False))
    check_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True, index=True)
    )
    arrivals: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    # What the looks have taken in (`Looked`); None: never looked at.
    seen_id: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    looked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    heard_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    heard_value: float | None = Field(default=None, sa_column=Column(Float, nullable=True))

    @property
    def looked(self) -> Looked | None:
        if self.looked_at is None:
            return None
        return Looked(self.seen_id, self.looked_at, self.heard_at, self.heard_value)


@dataclass(frozen=True)
class Looked:
    """What a look took in: every point of the metric stored up to `seen_id` (None: none yet),
    judged at `at`, and the last one received: when (`heard_at`) and its value."""

    seen_id: int | None
    at: datetime
    heard_at: datetime | None = None
    heard_value: float | None = None


async def arrived(
    session: AsyncSession, *, incident_id: int, metrics: Iterable[str], now: datetime
) -> None:
    """New points of these metrics: each is looked at on the next tick."""
    for metric in sorted(set(metrics)):
        await _upsert(session, incident_id, metric, now, replace=True)


async def start(session: AsyncSession, *, incident_id: int, first: Mapping[str, datetime]) -> None:
    """At open: each expected metric is looked at when its first silence would be flagged."""
    for metric, at in sorted(first.items()):
        await _upsert(session, incident_id, metric, at, replace=False)


def arrived_in(conn: Connection, *, arrivals: Iterable[tuple[int, str]], now: datetime) -> None:
    """`arrived` for these (incident, metric) pairs, on a plain connection, in one executemany
    (the hook's batch write, app/flows/metrics_hook_store.py)."""
    each = [{"incident_id": n, "metric": metric, "check_at": now} for n, metric in arrivals]
    if each:
        conn.execute(_arrived(conn.dialect.name), each)


@cache
def _arrived(dialect_name: str) -> Insert:
    """The statement of `arrived_in`, built once per dialect (its values are bound)."""
    table = MetricWatch.__table__  # type: ignore[attr-defined]
    insert = insert_of(dialect_name)(table).values(arrivals=1)
    counted = {"check_at": insert.excluded.check_at, "arrivals": table.c.arrivals + 1}
    upsert: Insert = insert.on_conflict_do_update(
        index_elements=["incident_id", "metric"], set_=counted
    )
    return upsert


async def _upsert(
    session: AsyncSession, incident_id: int, metric: str, at: datetime, *, replace: bool
) -> None:
    insert = insert_of(session.get_bind().dialect.name)(MetricWatch).values(
        incident_id=incident_id, metric=metric, check_at=at, arrivals=int(replace)
    )
    keys = ["incident_id", "metric"]
    if replace:
        counted = {"check_at": at, "arrivals": col(MetricWatch.arrivals) + 1}
        await session.exec(insert.on_conflict_do_update(index_elements=keys, set_=counted))
    else:
        await session.exec(insert.on_conflict_do_nothing(index_elements=keys))


async def take_due(
    session: AsyncSession, *, now: datetime, limit: int = TAKE_LIMIT
) -> list[MetricWatch]:
    """The watches due at `now`, leased to the caller for `LOOK_LEASE` (commit it)."""
    ids = await leased(
        session, MetricWatch, MetricWatch.check_at, now=now, lease=LOOK_LEASE, limit=limit
    )
    if not ids:
        return []
    query = select(MetricWatch).where(col(MetricWatch.id).in_(ids)).order_by(col(MetricWatch.id))
    return list((await session.exec(query)).all())


@dataclass(frozen=True)
class Next:
    """What one tick decided for one watch: its next look (None: only a new point), and
    what its look took in (None: nothing to keep)."""

    watch: MetricWatch
    at: datetime | None
    looked: Looked | None = None


async def set_next(session: AsyncSession, decided: Sequence[Next]) -> None:
    """Each watch's next look, unless a point arrived since the watch was read (its `arrivals`
    moved on): then it stays due, and the next tick sees the point. What a look took in is
    kept unless a look that took in more got there first. One statement for all: on SQLite
    the tick holds the write turn only that long."""
    if decided:
        await session.exec(_next(), params=[_params(item) for item in decided])


def _params(item: Next) -> dict[str, object]:
    looked = item.looked
    return {
        "watch": item.watch.id,
        "read": item.watch.arrivals,
        "next": item.at,
        "took": looked is not None,
        "seen": looked.seen_id if looked else None,
        "at": looked.at if looked else None,
        "heard": looked.heard_at if looked else None,
        "value": looked.heard_value if looked else None,
    }


@cache
def _next() -> Update:
    """The statement of `set_next`, built once (its values are bound parameters)."""
    table = MetricWatch.__table__  # type: ignore[attr-defined]
    c = table.c
    seen, at = bindparam("seen", type_=Integer()), bindparam("at", type_=UTCDateTime())
    later = or_(c.looked_at.is_(None), c.looked_at < at)
    more = or_(c.seen_id.is_(None), c.seen_id < seen, and_(c.seen_id == seen, later))
    none_yet = and_(seen.is_(None), c.seen_id.is_(None), later)
    # what this look took in is more than the watch keeps: more points, or the same later
    ahead = and_(bindparam("took", type_=Boolean()), or_(and_(seen.is_not(None), more), none_yet))
    heard = bindparam("heard", type_=UTCDateTime())
    return (
        update(table)
        .where(c.id == bindparam("watch"))
        .values(
            check_at=case(
                (c.arrivals == bindparam("read"), bindparam("next", type_=UTCDateTime())),
                else_=c.check_at,
            ),
            seen_id=case((ahead, seen), else_=c.seen_id),
            looked_at=case((ahead, at), else_=c.looked_at),
            heard_at=case((ahead, heard), else_=c.heard_at),
            heard_value=case((ahead, bindparam("value", type_=Float())), else_=c.heard_value),
        )
    )
