"""What one look of the metric-alert pass reads of a series (the caller owns the session): the
points stored since the looks last took it in, and per source the slice its rules need
(app/metrics/lookback.py). Each read walks an index of `metric_point` from a known place
(migration 0020), so none of them grows with the incident's history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Select, and_, bindparam, func, null, union_all
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.metrics.lookback import Reach
from app.metrics.models import MetricPoint

POINTS: Any = MetricPoint.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Ends:
    """Where one source's slice is cut: its points nearest `since`."""

    source: str
    latest: datetime | None  # its last point measured by now
    before: datetime | None  # its last point measured before `since`
    before_recovery: datetime | None  # … before `since` less the longest recovery duration
    first: float | None  # its first value (read when a recovery counts from it)


async def stored_after(
    session: AsyncSession, incident_id: int, metric: str, after_id: int | None
) -> list[MetricPoint]:
    """The metric's points stored after point `after_id` (every one: None), in stored order."""
    query = select(MetricPoint).where(
        col(MetricPoint.incident_id) == incident_id, col(MetricPoint.metric) == metric
    )
    if after_id is not None:
        query = query.where(col(MetricPoint.id) > after_id)
    return list((await session.exec(query.order_by(col(MetricPoint.id)))).all())


async def ends(
    session: AsyncSession,
    incident_id: int,
    metric: str,
    *,
    reach: Reach,
    since: datetime,
    now: datetime,
) -> list[Ends]:
    """Per source of the metric (in name order), its points nearest `since`: one statement,
    a handful of index seeks a source."""
    query = _ends(reach.recovery is not None, reach.baseline)
    params = {
        "incident_id": incident_id,
        "metric": metric,
        "now": now,
        "since": since,
        "recovery_from": reach.reaches_from(since),
    }
    rows = (await session.exec(query, params=params)).all()  # type: ignore[call-overload]
    return [Ends(*row) for row in rows]


async def source_points(
    session: AsyncSession,
    incident_id: int,
    metric: str,
    starts: Mapping[str, datetime],
    *,
    now: datetime,
) -> dict[str, list[MetricPoint]]:
    """Per source, its points measured from its start to `now`, oldest first: one statement."""
    if not starts:
        return {}
    parts = [
        sa.select(POINTS).where(
            _mine(incident_id, metric),
            POINTS.c.source == source,
            POINTS.c.at >= start,
            POINTS.c.at <= now,
        )
        for source, start in sorted(starts.items())
    ]
    query = select(MetricPoint).from_statement(union_all(*parts))
    found: dict[str, list[MetricPoint]] = {source: [] for source in sorted(starts)}
    points: list[MetricPoint] = list((await session.exec(query)).scalars().all())  # type: ignore[call-overload]
    for point in sorted(points, key=lambda p: (p.at, p.id or 0)):
        found[point.source].append(point)
    return found


def _mine(incident_id: Any, metric: Any) -> ColumnElement[bool]:
    return and_(POINTS.c.incident_id == incident_id, POINTS.c.metric == metric)


@cache
def _ends(recovery: bool, baseline: bool) -> Select[Any]:
    """The statement of `ends`, built once per shape (its values are bound parameters)."""
    incident_id: Any = bindparam("incident_id")
    metric: Any = bindparam("metric")
    sources = _sources(incident_id, metric)
    source = sources.c.source

    def last(when: ColumnElement[bool]) -> Any:
        """When the source's last point matching `when` was measured."""
        found = _of(POINTS.c.at, incident_id, metric, source, when).order_by(POINTS.c.at.desc())
        return found.limit(1).scalar_subquery()

    first = _of(POINTS.c.value, incident_id, metric, source).order_by(POINTS.c.at)
    columns = [
        source,
        last(POINTS.c.at <= bindparam("now")),
        last(POINTS.c.at < bindparam("since")),
        last(POINTS.c.at < bindparam("recovery_from")) if recovery else null(),
        first.limit(1).scalar_subquery() if baseline else null(),
    ]
    return sa.select(*columns).where(source.is_not(None)).order_by(source)


def _sources(incident_id: Any, metric: Any) -> Any:
    """The metric's sources, one index seek each (a "loose index scan", as app/metrics/
    service.py reads metric names: the first source after the one before)."""
    mine = _mine(incident_id, metric)
    names = sa.select(func.min(POINTS.c.source).label("source")).where(mine).cte(recursive=True)
    after = sa.select(func.min(POINTS.c.source)).where(mine, POINTS.c.source > names.c.source)
    return names.union_all(sa.select(after.scalar_subquery()).where(names.c.source.is_not(None)))


def _of(column: Any, incident_id: Any, metric: Any, source: Any, *when: Any) -> Select[Any]:
    return sa.select(column).where(_mine(incident_id, metric), POINTS.c.source == source, *when)
