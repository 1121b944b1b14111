"""Reading the record (synchronous, on a Connection; run them with `run_sync`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, Select, String, func, select, type_coerce

from app.record.append import ENTRY, FILE, HEAD
from app.record.models import EntryKind
from app.record.stored import STORED_FIELDS

POST_KINDS = [kind.value for kind in EntryKind if kind.is_post]
VERSION_KINDS = [*POST_KINDS, EntryKind.EDIT.value]
BATCH = 500


def keys(conn: Connection, incident_id: int) -> set[str]:
    query = select(ENTRY.c.dedupe_key).where(ENTRY.c.incident_id == incident_id)
    return set(conn.execute(query).scalars())


def latest_versions(
    conn: Connection, incident_id: int, ts: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """The last stored version (post or edit) of each message, by ts."""
    wanted, found = sorted(set(ts)), {}
    for start in range(0, len(wanted), BATCH):
        query = (
            select(ENTRY.c.ts, ENTRY.c.content)
            .where(
                ENTRY.c.incident_id == incident_id,
                ENTRY.c.kind.in_(VERSION_KINDS),
                ENTRY.c.ts.in_(wanted[start : start + BATCH]),
            )
            .order_by(ENTRY.c.seq)
        )
        for row in conn.execute(query):
            found[row.ts] = json.loads(row.content).get("message") or {}
    return found


def head(conn: Connection, incident_id: int) -> tuple[int, str] | None:
    row = conn.execute(
        select(HEAD.c.seq, HEAD.c.hash).where(HEAD.c.incident_id == incident_id)
    ).first()
    return (int(row.seq), str(row.hash)) if row else None


def count(conn: Connection, incident_id: int) -> int:
    found = head(conn, incident_id)
    return found[0] if found else 0


def entries(
    conn: Connection, incident_id: int, *, upto: int | None = None, batch: int = 5000
) -> Iterator[dict[str, Any]]:
    """Every entry of the incident in chain order (up to seq `upto`), fetched in batches."""
    for row in conn.execute(entries_query(incident_id, upto).execution_options(yield_per=batch)):
        yield dict(row._mapping)


def entries_query(incident_id: int, upto: int | None = None) -> Select[Any]:
    """Read the head first and pass its seq as `upto`: entries appended meanwhile are left
    out, so what is read always ends where the head said the chain ended."""
    query = select(*[column for column in ENTRY.c if column.name != "id"]).where(
        ENTRY.c.incident_id == incident_id
    )
    if upto is not None:
        query = query.where(ENTRY.c.seq <= upto)
    return query.order_by(ENTRY.c.seq)


def stored_query(incident_id: int, upto: int | None = None) -> Select[Any]:
    """`entries_query` for verify and the exports: the columns of `stored.STORED_FIELDS` in
    that order, each as the driver returns it (times not made datetimes: SQLite's text is
    respelled canonical by `stored.stored_time` without ever becoming one)."""
    columns = [
        type_coerce(ENTRY.c[name], String).label(name) if name in _TIMES else ENTRY.c[name]
        for name in STORED_FIELDS
    ]
    query = select(*columns).where(ENTRY.c.incident_id == incident_id)
    if upto is not None:
        query = query.where(ENTRY.c.seq <= upto)
    return query.order_by(ENTRY.c.seq)


_TIMES = ("occurred_at", "recorded_at")


def names(conn: Connection, incident_id: int) -> dict[str, str]:
    """The latest name stored for each person in the incident's record (in the order the record
    first names them). The database picks each person's last named entry: no row per entry
    comes back."""
    named = (ENTRY.c.incident_id == incident_id) & ENTRY.c.user_name.is_not(None)
    spans = (
        select(
            ENTRY.c.user_id,
            func.min(ENTRY.c.seq).label("first"),
            func.max(ENTRY.c.seq).label("last"),
        )
        .where(named)
        .group_by(ENTRY.c.user_id)
        .subquery()
    )
    last = (ENTRY.c.incident_id == incident_id) & (ENTRY.c.seq == spans.c.last)
    query = select(spans.c.user_id, ENTRY.c.user_name).join_from(spans, ENTRY, last)
    rows = conn.execute(query.order_by(spans.c.first))
    return {row.user_id: row.user_name for row in rows if row.user_id}


def people(conn: Connection, incident_id: int) -> set[str]:
    """Everyone the incident's record names as author or actor."""
    query = select(ENTRY.c.user_id).where(ENTRY.c.incident_id == incident_id).distinct()
    found: Iterable[str | None] = conn.execute(query).scalars()
    return {user for user in found if user}


def file_hashes(conn: Connection, digests: Iterable[str]) -> dict[str, bytes]:
    wanted, found = sorted(set(digests)), {}
    for start in range(0, len(wanted), BATCH):
        query = select(FILE.c.sha256, FILE.c.content).where(
            FILE.c.sha256.in_(wanted[start : start + BATCH])
        )
        found.update({row.sha256: row.content for row in conn.execute(query)})
    return found
