"""PostgreSQL text of a batch of record entries chained on the remembered heads
(app/record/remembered.py): common table expressions for the statement that writes a whole
batch or nothing (app/flows/one_statement.py). The entries go as arrays: one statement text
whatever the batch's size, so PostgreSQL parses and plans it once per connection.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ARRAY, BindParameter, Boolean, DateTime, Integer, String, Text, bindparam

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
COLUMNS = tuple(_TYPES)
_PG_TYPES = {Integer: "integer", String: "varchar", Boolean: "boolean", Text: "text"}


def _array(name: str, kind: Any) -> str:
    sql_type = "timestamptz" if isinstance(kind, DateTime) else _PG_TYPES[kind]
    return f"CAST(:{name} AS {sql_type}[])"


_NAMES = ", ".join(COLUMNS)
# e: the entries; m: per incident, the head it moves from and to; locked: those heads, locked
# in incident order (a waiting lock reads the newest row); movable: those still where the batch
# was chained; every.ok: each incident of the batch can move (nothing moves otherwise); moved:
# the heads moved; stored: their entries.
#
# A key already stored is not looked for: its entry's insert breaks the unique constraint on
# (incident, key), which fails the statement, and nothing of it is written. (Looking read an
# index per entry, and a plan made before the table had statistics read the wrong index: all of
# the incident's entries, 35 ms a batch at 6,000 entries; PostgreSQL without autovacuum keeps
# such a plan for good.)
WHOLE = f"""
e AS (
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
), every AS (
  SELECT count(*) = (SELECT count(*) FROM m) AS ok FROM movable
), moved AS (
  UPDATE record_head h SET seq = movable.seq, hash = movable.hash FROM movable
  WHERE h.incident_id = movable.incident_id AND (SELECT ok FROM every)
  RETURNING h.incident_id
), stored AS (
  INSERT INTO record_entry ({_NAMES})
  SELECT {_NAMES} FROM e WHERE e.incident_id IN (SELECT incident_id FROM moved)
)"""
BINDS: tuple[BindParameter[Any], ...] = (
    *(bindparam(name, type_=ARRAY(kind)) for name, kind in _TYPES.items()),
    bindparam("m_incident", type_=ARRAY(Integer)),
    bindparam("m_from_seq", type_=ARRAY(Integer)),
    bindparam("m_from_hash", type_=ARRAY(String)),
    bindparam("m_seq", type_=ARRAY(Integer)),
    bindparam("m_hash", type_=ARRAY(String)),
)
