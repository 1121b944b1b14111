"""The metrics hook's points, written by the group-commit writer (app/store/group_commit.py).

A request's points used to be stored in a transaction of its own: a dozen statements through
the ORM, each a trip through the event loop, and on SQLite the process's write turn held all
that while. At 10,000 points a minute that turn was what message events waited on before their
ack. Now a request is one item of the writer's batches: its points, their audit rows, their
record entries, the watches and the brief's wanted version are written with Core statements in
the batch's transaction (on a SQLite file in one call: store/writer_thread.py), sharing the
commit with the message events of the moment; on PostgreSQL, whose rows lock apart, in the
bulk writer's batches beside the messages' (`SessionFactory.bulk_writer`).

The rules are `record_points`'s (app/metrics/service.py): each incident row is locked first
(in id order, for the whole batch), and a point already stored (same incident, metric, time
and source), in the database or earlier in the batch, stores nothing. A request whose incidents
are not all open stores nothing and gets None: its caller then takes the transactional path,
which refuses it with the exact reason (resolved, archived, gone), or stores it if the incident
was reopened meanwhile.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, update

from app.audit.models import AuditEntry
from app.incidents.models import Incident, Status
from app.metrics.models import MetricPoint
from app.metrics.service import RECORDED, Key, point_values, recorded_detail, stored_keys_query
from app.metrics.values import PointIn
from app.metrics.watch import arrived_in
from app.outbox.batch import want_next_each
from app.outbox.models import OutboxKind
from app.record.batch import Pending, append_all
from app.record.drafts import Draft
from app.record.hook import audit_draft

INCIDENT = Incident.__table__  # type: ignore[attr-defined]
POINT = MetricPoint.__table__  # type: ignore[attr-defined]
AUDIT = AuditEntry.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class HookWrite:
    """One checked request: its points per incident, who sent them, when they came."""

    groups: Mapping[int, Sequence[PointIn]]
    by: str
    now: datetime


@dataclass(frozen=True)
class HookStored:
    stored: int  # new points
    duplicates: int  # points stored before (or earlier in the batch): stored once


def store_requests(conn: Connection, writes: Sequence[HookWrite]) -> list[HookStored | None]:
    """Store each request whole (None: one of its incidents is not open; nothing stored)."""
    statuses = {n: _lock(conn, n) for n in sorted({n for w in writes for n in w.groups})}
    taken = [all(_open(statuses[n]) for n in write.groups) for write in writes]
    known = _known(conn, [write for write, ok in zip(writes, taken, strict=True) if ok])
    new: list[tuple[HookWrite, int, PointIn]] = []
    results: list[HookStored | None] = []
    for write, ok in zip(writes, taken, strict=True):
        if not ok:
            results.append(None)
            continue
        fresh = [
            (write, n, p) for n, points in write.groups.items() for p in _new(points, known[n])
        ]
        given = sum(len(points) for points in write.groups.values())
        results.append(HookStored(stored=len(fresh), duplicates=given - len(fresh)))
        new += fresh
    if new:
        _insert(conn, new)
    return results


def _lock(conn: Connection, incident_id: int) -> str | None:
    """Take the incident row's write lock (a no-op UPDATE, as `lock_row`) and read its status;
    None when there is no such incident."""
    return conn.execute(_LOCK, {"incident": incident_id}).scalar()


def _open(status: str | None) -> bool:
    return status is not None and status != Status.RESOLVED.value


def _known(conn: Connection, writes: Sequence[HookWrite]) -> dict[int, set[Key]]:
    """Per incident, the keys of the batch's points already stored (one range read each)."""
    points: dict[int, list[PointIn]] = {}
    for write in writes:
        for incident_id, given in write.groups.items():
            points.setdefault(incident_id, []).extend(given)
    return {
        incident_id: {
            (r.metric, r.at, r.source) for r in conn.execute(*stored_keys_query(incident_id, given))
        }
        for incident_id, given in points.items()
    }


def _new(points: Sequence[PointIn], known: set[Key]) -> list[PointIn]:
    """The points not stored yet, each key once (the set learns the batch's keys)."""
    fresh = []
    for point in points:
        key = (point.metric, point.at, point.source)
        if key not in known:
            known.add(key)
            fresh.append(point)
    return fresh


def _insert(conn: Connection, new: Sequence[tuple[HookWrite, int, PointIn]]) -> None:
    """The points, one audit row each and its record entry; their watches look again and
    their incidents' briefs want a new version."""
    rows = [point_values(n, point, by=write.by, now=write.now) for write, n, point in new]
    point_ids: list[int] = list(conn.execute(_INSERT_POINTS, rows).scalars().all())
    audits = [
        _audit_row(write, n, point, point_id)
        for (write, n, point), point_id in zip(new, point_ids, strict=True)
    ]
    audit_ids: list[int] = list(conn.execute(_INSERT_AUDITS, audits).scalars().all())
    drafts = [
        Pending(_draft(row, audit_id), row["incident_id"], row["at"])
        for row, audit_id in zip(audits, audit_ids, strict=True)
    ]
    append_all(conn, drafts)
    arrivals = sorted({(n, point.metric) for _write, n, point in new})
    arrived_in(conn, arrivals=arrivals, now=max(write.now for write, _n, _point in new))
    want_next_each(conn, OutboxKind.BRIEF, sorted({n for n, _metric in arrivals}))


def _draft(row: dict[str, Any], audit_id: int) -> Draft:
    return audit_draft(audit_id, row["action"], row["detail"], actor=row["actor"], at=row["at"])


def _audit_row(write: HookWrite, incident_id: int, point: PointIn, point_id: int) -> dict[str, Any]:
    return {
        "incident_id": incident_id,
        "at": write.now,
        "actor": write.by,
        "action": RECORDED,
        "detail": recorded_detail(point_id, point),
    }


# Built once (statements are immutable): a batch only binds values.
_LOCK = (
    update(INCIDENT)
    .where(INCIDENT.c.id == bindparam("incident"))
    .values(status=INCIDENT.c.status)
    .returning(INCIDENT.c.status)
)
_INSERT_POINTS = insert(POINT).returning(POINT.c.id, sort_by_parameter_order=True)
_INSERT_AUDITS = insert(AUDIT).returning(AUDIT.c.id, sort_by_parameter_order=True)
