"""Reading the record (synchronous, on a Connection; run them with `run_sync`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, Select, select

from app.record.append import ENTRY, FILE, HEAD
from app.record.models import EntryKind

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


def names(conn: Connection, incident_id: int) -> dict[str, str]:
    """The latest name stored for each person in the incident's record."""
    query = (
        select(ENTRY.c.user_id, ENTRY.c.user_name)
        .where(ENTRY.c.incident_id == incident_id, ENTRY.c.user_name.is_not(None))
        .order_by(ENTRY.c.seq)
    )
    return {row.user_id: row.user_name for row in conn.execute(query) if row.user_id}


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
