"""Appending to an incident's chain: one entry, one transaction, never a fork.

Synchronous on a SQLAlchemy Connection, so the same code runs from async services (through
`run_sync`) and from inside a flush (the audit hook). `append` first locks the incident's
chain-head row with a no-op UPDATE (the lock-first pattern of app/approvals/locking.py): on
PostgreSQL a second appender waits there until the first commits, even from another process;
on SQLite the UPDATE takes the database write lock before anything is read. Only then does it
read the head, check the dedupe key, insert the entry and move the head.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from app.record.chain import GENESIS, SEALED_FIELDS, canonical
from app.record.drafts import Draft
from app.record.models import RecordEntry, RecordFile, RecordHead
from app.record.sanitize import clean_row, is_clean
from app.record.stored import stored_text, stored_time
from app.store.dialects import insert_of

ENTRY = RecordEntry.__table__  # type: ignore[attr-defined]
HEAD = RecordHead.__table__  # type: ignore[attr-defined]
FILE = RecordFile.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Appended:
    incident_id: int
    seq: int
    hash: str


def append(
    conn: Connection, draft: Draft, *, incident_id: int, recorded_at: datetime
) -> Appended | None:
    """Add `draft` to the chain; None if an entry with its dedupe key is already there."""
    seq, previous = lock_head(conn, incident_id)
    if has_key(conn, incident_id, draft.dedupe_key):  # under the head lock: no race
        return None  # (SQLite refuses any insert over an existing entry: migration 0007)
    row = build_row(draft, incident_id=incident_id, seq=seq + 1, prev=previous, at=recorded_at)
    inserted = conn.execute(_insert_unless_duplicate(conn, row))
    if not inserted.rowcount:
        return None
    conn.execute(MOVE_HEAD, {"incident": incident_id, "seq": row["seq"], "hash": row["hash"]})
    return Appended(incident_id, row["seq"], row["hash"])


def lock_head(conn: Connection, incident_id: int) -> tuple[int, str]:
    """Lock the incident's chain head with a no-op write and read it in the same statement
    (creating the head on first use)."""
    head = _touch(conn, incident_id)
    if head is None:
        _insert_ignoring(conn, HEAD, {"incident_id": incident_id, "seq": 0, "hash": GENESIS})
        head = _touch(conn, incident_id)
    assert head is not None
    return head


def _touch(conn: Connection, incident_id: int) -> tuple[int, str] | None:
    row = conn.execute(_TOUCH, {"incident": incident_id}).first()
    return (int(row.seq), str(row.hash)) if row else None


# Built once (statements are immutable): the hot path only binds values.
_TOUCH = (
    update(HEAD)
    .where(HEAD.c.incident_id == bindparam("incident"))
    .values(seq=HEAD.c.seq)
    .returning(HEAD.c.seq, HEAD.c.hash)
)
MOVE_HEAD = (
    update(HEAD)
    .where(HEAD.c.incident_id == bindparam("incident"))
    .values(seq=bindparam("seq"), hash=bindparam("hash"))
)


def _insert_unless_duplicate(conn: Connection, row: dict[str, Any]) -> Any:
    """The dedupe key's unique constraint decides: a duplicate inserts nothing. A clash on
    seq still fails loudly (it would mean a fork, which the head lock rules out)."""
    insert = insert_of(conn.dialect.name)
    statement = insert(ENTRY).values(**row)
    return statement.on_conflict_do_nothing(index_elements=["incident_id", "dedupe_key"])


def has_key(conn: Connection, incident_id: int, key: str) -> bool:
    query = select(ENTRY.c.id).where(ENTRY.c.incident_id == incident_id, ENTRY.c.dedupe_key == key)
    return conn.execute(query).first() is not None


def store_file(conn: Connection, sha256: str, content: bytes) -> None:
    """Keep a file's bytes once, however many entries share it."""
    _insert_ignoring(conn, FILE, {"sha256": sha256, "size": len(content), "content": content})


def _insert_ignoring(conn: Connection, table: Any, values: dict[str, Any]) -> None:
    insert = insert_of(conn.dialect.name)
    conn.execute(insert(table).values(**values).on_conflict_do_nothing())


def build_row(
    draft: Draft, *, incident_id: int, seq: int, prev: str, at: datetime
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "incident_id": incident_id,
        "seq": seq,
        "kind": draft.kind.value,
        "dedupe_key": draft.dedupe_key,
        "channel_id": draft.channel_id,
        "ts": draft.ts,
        "thread_ts": draft.thread_ts,
        "user_id": draft.user_id,
        "user_name": draft.user_name,
        "event_id": draft.event_id,
        "client_msg_id": draft.client_msg_id,
        "occurred_at": draft.occurred_at,
        "recorded_at": at,
        "recovered": draft.recovered,
        "content": draft.content,
        "prev_hash": prev,
    }
    text = canonical(row["content"])
    if not storable(row, text):  # the one door into the record: nothing unstorable gets past
        row = clean_row(row)
        text = canonical(row["content"])
    row["content"] = text
    row["hash"] = seal(row)
    return row


def seal(row: dict[str, Any]) -> str:
    """`chain.entry_hash(row)` (its content already canonical text), by the fast canonical
    text of app/record/stored.py: the same bytes (tests/record/test_fast_sealed.py)."""
    values = [row[name] for name in SEALED_FIELDS]
    sealed = stored_text(values, stored_time(row["occurred_at"]), stored_time(row["recorded_at"]))
    return hashlib.sha256(sealed.encode("utf-8")).hexdigest()


def storable(row: dict[str, Any], content: str) -> bool:
    """True when nothing in the row needs `clean_row` (the common case, checked in one pass
    over the canonical content and one over the other text fields: JSON spells a NUL
    `\\u0000` and keeps a lone surrogate as it is; a false alarm only costs the full walk)."""
    if "\\u0000" in content:
        return False
    texts = [value for value in row.values() if isinstance(value, str)]
    texts.append(content)
    whole = "".join(texts)  # (any NUL or surrogate of any one is in the whole)
    if whole.isascii():  # (a flag of the string: then no surrogate, and a NUL is found fast)
        return "\x00" not in whole
    return is_clean(whole)
