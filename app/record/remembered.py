"""PostgreSQL: a batch of record entries in one statement, chained on the head this process
last wrote (issue 12: each statement a batch sends costs about what the Python around it does).

The writer remembers each incident's chain head after its batches. The next batch is chained
in Python on that remembered head and sent as one statement that, per incident:

1. locks the head row (all heads in incident order, as `append_all` does, so two writers never
   wait on each other in a circle) and reads it as it is now (a waiting lock sees the newest
   row);
2. moves it to the batch's last entry only if it still is the remembered head and none of the
   batch's dedupe keys is stored yet;
3. inserts the entries of each incident whose head moved.

The remembered head is a hint, never trusted: an incident whose head moved elsewhere (a
decision appended by another transaction, another replica, a batch that rolled back) or whose
batch holds a key already stored inserts nothing here, and its items go through `append_all`
in the same transaction, which locks and reads everything. Since every append moves the head
in the transaction that inserts the entry, a head equal to the remembered one means no entry
was added since, so the keys read in the statement's snapshot are all the keys there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ARRAY, Boolean, Connection, DateTime, Integer, String, Text, bindparam, text

from app.record.append import Appended, build_row, store_file
from app.record.batch import Pending, append_all

Head = tuple[int, str]  # (seq, hash)


@dataclass
class RememberedHeads:
    """The batch write of the group-commit writer (`submit(heads.append_all, item)`): on
    PostgreSQL one statement for a batch whose heads it remembers; elsewhere `append_all`."""

    heads: dict[int, Head] = field(default_factory=dict)
    fast: int = 0  # batches whose every incident went in the one statement (tests, benches)

    def append_all(self, conn: Connection, items: Sequence[Pending]) -> list[Appended | None]:
        if conn.dialect.name != "postgresql":
            return append_all(conn, items)
        planned = _Plan.chain(items, self.heads)
        moved = _send(conn, planned) if planned.rows else set()
        results: list[Appended | None] = [
            planned.results.get(n) if item.incident_id in moved else None
            for n, item in enumerate(items)
        ]
        left = [n for n, item in enumerate(items) if item.incident_id not in moved]
        for n, found in zip(left, append_all(conn, [items[n] for n in left]), strict=True):
            results[n] = found
            if found is not None:
                self.heads[found.incident_id] = (found.seq, found.hash)
        for incident in moved:
            self.heads[incident] = planned.last[incident]
        self.fast += not left
        return results


@dataclass
class _Plan:
    """The entries of a batch chained on the remembered heads, before they are sent."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    first: dict[int, Head] = field(default_factory=dict)  # the head each incident moves from
    last: dict[int, Head] = field(default_factory=dict)  # and where it moves to
    results: dict[int, Appended] = field(default_factory=dict)  # by the item's place in the batch
    files: list[tuple[str, bytes]] = field(default_factory=list)

    @classmethod
    def chain(cls, items: Sequence[Pending], heads: dict[int, Head]) -> _Plan:
        """Only the items of incidents with a remembered head; a key twice in one batch is
        chained once (the first), the later one stores nothing."""
        plan = cls()
        taken: set[tuple[int, str]] = set()
        for place, item in enumerate(items):
            key = (item.incident_id, item.draft.dedupe_key)
            if item.incident_id in heads and key not in taken:
                taken.add(key)
                plan.add(place, item, heads[item.incident_id])
        return plan

    def add(self, place: int, item: Pending, remembered: Head) -> None:
        incident = item.incident_id
        self.first.setdefault(incident, remembered)
        seq, previous = self.last.get(incident, remembered)
        row = build_row(
            item.draft, incident_id=incident, seq=seq + 1, prev=previous, at=item.recorded_at
        )
        self.rows.append(row)
        self.last[incident] = (row["seq"], row["hash"])
        self.results[place] = Appended(incident, row["seq"], row["hash"])
        self.files.extend(item.files)


def _send(conn: Connection, plan: _Plan) -> set[int]:
    """The one statement; the incidents whose heads moved (their entries are in)."""
    values: dict[str, Any] = {name: [row[name] for row in plan.rows] for name in _COLUMNS}
    incidents = sorted(plan.first)
    values["m_incident"] = incidents
    values["m_from_seq"] = [plan.first[incident][0] for incident in incidents]
    values["m_from_hash"] = [plan.first[incident][1] for incident in incidents]
    values["m_seq"] = [plan.last[incident][0] for incident in incidents]
    values["m_hash"] = [plan.last[incident][1] for incident in incidents]
    found: list[int] = list(conn.execute(_STATEMENT, values).scalars())
    moved = set(found)
    for sha256, content in plan.files if moved else ():
        store_file(conn, sha256, content)  # (kept once; an extra copy of a fallback's is harmless)
    return moved


_TYPES: dict[str, Any] = {
    "incident_id": Integer,
    "seq": Integer,
    "kind": String,
    "dedupe_key": String,
    "channel_id": String,
    "ts": String,
    "thread_ts": String,
    "user_id": String,
    "user_name": String,
    "event_id": String,
    "client_msg_id": String,
    "occurred_at": DateTime(timezone=True),
    "recorded_at": DateTime(timezone=True),
    "recovered": Boolean,
    "content": Text,
    "prev_hash": String,
    "hash": String,
}
_COLUMNS = tuple(_TYPES)
_PG_TYPES = {Integer: "integer", String: "varchar", Boolean: "boolean", Text: "text"}


def _array(name: str, kind: Any) -> str:
    sql_type = "timestamptz" if isinstance(kind, DateTime) else _PG_TYPES[kind]
    return f"CAST(:{name} AS {sql_type}[])"


_NAMES = ", ".join(_COLUMNS)
_STATEMENT = text(
    f"""
WITH e AS (
  SELECT * FROM unnest({", ".join(_array(name, kind) for name, kind in _TYPES.items())})
    AS e({_NAMES})
), m AS (
  SELECT * FROM unnest(CAST(:m_incident AS integer[]), CAST(:m_from_seq AS integer[]),
    CAST(:m_from_hash AS varchar[]), CAST(:m_seq AS integer[]), CAST(:m_hash AS varchar[]))
    AS m(incident_id, from_seq, from_hash, seq, hash)
), locked AS (
  SELECT h.incident_id, h.seq, h.hash FROM record_head h
  WHERE h.incident_id IN (SELECT incident_id FROM m)
  ORDER BY h.incident_id FOR NO KEY UPDATE
), movable AS (
  SELECT m.* FROM m JOIN locked l ON l.incident_id = m.incident_id
    AND l.seq = m.from_seq AND l.hash = m.from_hash
  WHERE NOT EXISTS (
    SELECT 1 FROM record_entry r JOIN e ON r.incident_id = e.incident_id
      AND r.dedupe_key = e.dedupe_key
    WHERE e.incident_id = m.incident_id)
), moved AS (
  UPDATE record_head h SET seq = movable.seq, hash = movable.hash FROM movable
  WHERE h.incident_id = movable.incident_id
  RETURNING h.incident_id
), stored AS (
  INSERT INTO record_entry ({_NAMES})
  SELECT {_NAMES} FROM e WHERE e.incident_id IN (SELECT incident_id FROM moved)
)
SELECT incident_id FROM moved
"""
).bindparams(
    *(bindparam(name, type_=ARRAY(kind)) for name, kind in _TYPES.items()),
    bindparam("m_incident", type_=ARRAY(Integer)),
    bindparam("m_from_seq", type_=ARRAY(Integer)),
    bindparam("m_from_hash", type_=ARRAY(String)),
    bindparam("m_seq", type_=ARRAY(Integer)),
    bindparam("m_hash", type_=ARRAY(String)),
)
