"""Storing metric points and reading series (the caller owns the transaction).

Every new point is also an audit row, so the legal record shows what the team knew and when:
who or which source gave it, when it was measured and received, the value (app/record/hook.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, func
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from app.audit.service import audit
from app.errors import NotFound
from app.incidents.models import Incident
from app.metrics import watch
from app.metrics.models import MetricPoint
from app.metrics.values import PointIn
from app.store.locking import lock_row

RECORDED = "metric.recorded"


@dataclass(frozen=True)
class Stored:
    points: list[MetricPoint]  # the new ones, in the order given
    duplicates: int  # given again (same incident, metric, time and source): stored once


async def record_points(
    session: AsyncSession,
    *,
    incident_id: int,
    points: Sequence[PointIn],
    by: str,
    now: datetime,
) -> Stored:
    """Store the points not stored yet, each with its audit row. `by` is a user id or
    "hook:<key id>". Locks the incident row first, so two deliveries of one point never both
    insert it."""
    if not await lock_row(session, Incident, incident_id, column=Incident.status):
        raise NotFound(f"There is no incident INC-{incident_id}.")
    known = await _stored_keys(session, incident_id, points)
    new: list[MetricPoint] = []
    for point in points:
        key = (point.metric, point.at, point.source)
        if key in known:
            continue
        known.add(key)
        new.append(_row(incident_id, point, by=by, now=now))
    session.add_all(new)
    await session.flush()
    for row in new:
        _audit(session, row)
    await watch.arrived(session, incident_id=incident_id, metrics={r.metric for r in new}, now=now)
    return Stored(points=new, duplicates=len(points) - len(new))


def _row(incident_id: int, point: PointIn, *, by: str, now: datetime) -> MetricPoint:
    return MetricPoint(**point_values(incident_id, point, by=by, now=now))


def point_values(incident_id: int, point: PointIn, *, by: str, now: datetime) -> dict[str, Any]:
    """The `metric_point` row of a point as given (the hook's batch write inserts these)."""
    return {
        "incident_id": incident_id,
        "metric": point.metric,
        "value": point.value,
        "unit": point.unit,
        "at": point.at,
        "source": point.source,
        "url": point.url,
        "entered_by": by,
        "received_at": now,
    }


def recorded_detail(point_id: int | None, point: PointIn | MetricPoint) -> dict[str, Any]:
    """What the audit row (and so the record entry) of a stored point says of it."""
    detail: dict[str, Any] = {
        "point": point_id,
        "metric": point.metric,
        "value": point.value,
        "unit": point.unit,
        "measured_at": point.at.isoformat(),
        "source": point.source,
    }
    return detail | ({"url": point.url} if point.url else {})


def _audit(session: AsyncSession, row: MetricPoint) -> None:
    audit(
        session,
        at=row.received_at,
        actor=row.entered_by,
        action=RECORDED,
        incident_id=row.incident_id,
        **recorded_detail(row.id, row),
    )


Key = tuple[str, datetime, str]  # (metric, at, source): a point is stored once per incident


async def _stored_keys(
    session: AsyncSession, incident_id: int, points: Sequence[PointIn]
) -> set[Key]:
    if not points:
        return set()
    conn = await session.connection()
    rows = await conn.execute(*stored_keys_query(incident_id, points))
    return {(row.metric, row.at, row.source) for row in rows}


def stored_keys_query(
    incident_id: int, points: Sequence[PointIn]
) -> tuple[Select[Any], dict[str, Any]]:
    """The keys of these points (some of them) already stored, and its parameters: one range
    read on the series index (the hook's batch write runs it too)."""
    names = sorted({point.metric for point in points})
    first, last = min(point.at for point in points), max(point.at for point in points)
    values = {"incident": incident_id, "names": names, "first": first, "last": last}
    return _stored_keys_statement(), values


@cache
def _stored_keys_statement() -> Select[Any]:
    """Built once (its values are bound parameters)."""
    table = MetricPoint.__table__  # type: ignore[attr-defined]
    return sa_select(table.c.metric, table.c.at, table.c.source).where(
        table.c.incident_id == bindparam("incident"),
        table.c.metric.in_(bindparam("names", expanding=True)),
        table.c.at >= bindparam("first"),
        table.c.at <= bindparam("last"),
    )


async def series(
    session: AsyncSession, incident_id: int, metric: str | None = None
) -> list[MetricPoint]:
    """An incident's points (of one metric, or all), oldest first."""
    query = select(MetricPoint).where(MetricPoint.incident_id == incident_id)
    if metric is not None:
        query = query.where(MetricPoint.metric == metric)
    query = query.order_by(col(MetricPoint.metric), col(MetricPoint.at), col(MetricPoint.id))
    return list((await session.exec(query)).all())


async def latest(session: AsyncSession, incident_id: int) -> dict[str, list[MetricPoint]]:
    """Per metric, its last two points (newest first): the value now and the one before, for a
    trend arrow. Metrics in name order.

    The brief reads this on every change, and a hook may have stored thousands of points per
    metric: each read below walks the series index (incident, metric, at) from one end, so it
    costs the number of metrics, not of points."""
    latest_two: dict[str, list[MetricPoint]] = {}
    for name in (await session.exec(_metric_names(incident_id))).all():
        latest_two[name] = await latest_of(session, incident_id, name)
    return dict(sorted(latest_two.items()))  # (the database's collation may order otherwise)


async def latest_of(session: AsyncSession, incident_id: int, metric: str) -> list[MetricPoint]:
    """One metric's last two points, newest first (none: an empty list)."""
    query = (
        select(MetricPoint)
        .where(MetricPoint.incident_id == incident_id, MetricPoint.metric == metric)
        .order_by(col(MetricPoint.at).desc(), col(MetricPoint.id).desc())
        .limit(2)
    )
    return list((await session.exec(query)).all())


def _metric_names(incident_id: int) -> SelectOfScalar[str]:
    """The incident's metric names in order, one index seek each (a "loose index scan": a
    recursive query asks for the first name after the one before, where a plain DISTINCT would
    read every point)."""
    table = MetricPoint.__table__  # type: ignore[attr-defined]
    mine = table.c.incident_id == incident_id
    names = select(func.min(table.c.metric).label("metric")).where(mine).cte(recursive=True)
    after = select(func.min(table.c.metric)).where(mine, table.c.metric > names.c.metric)
    names = names.union_all(select(after.scalar_subquery()).where(names.c.metric.is_not(None)))
    return select(names.c.metric).where(names.c.metric.is_not(None))
