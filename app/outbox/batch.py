"""Outbox changes made by a Core batch writer (on a plain connection, not a session)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from sqlalchemy import Connection, Update, bindparam, func, update

from app.outbox.models import OutboxKind, OutboxRow
from app.outbox.service import AT_ONCE


def want_next_each(conn: Connection, kind: OutboxKind, subject_ids: Iterable[int]) -> None:
    """`want_next` for each subject's copies, on a plain connection, in one executemany (the
    metrics hook's batch write: every incident it fed wants a new brief)."""
    each = [{"wanted_kind": kind.value, "wanted_subject": n} for n in subject_ids]
    if each:
        conn.execute(_want_subject(), each)


@cache
def _want_subject() -> Update:
    """The statement of `want_next_each`, built once (its values are bound parameters)."""
    table = OutboxRow.__table__  # type: ignore[attr-defined]
    return (
        update(table)
        .where(table.c.kind == bindparam("wanted_kind"))
        .where(table.c.subject_id == bindparam("wanted_subject"))
        .values(
            retry_at=func.coalesce(table.c.retry_at, AT_ONCE),
            want_version=table.c.want_version + 1,
        )
    )
