"""Stored rows as verify and the exports stream them: their canonical text without a dict or a
datetime per row (the same bytes as `chain.sealed_text`: tests/record/test_fast_sealed.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from app.record.chain import SEALED_FIELDS, TIME_FIELDS, sealed_text, time_text

# A stored row as verify and the exports stream it (`queries.stored_query`): these columns in
# this order, times as the driver returns them (SQLite: its text; PostgreSQL: datetimes).
STORED_FIELDS = (*SEALED_FIELDS, "hash")
OCCURRED_AT, RECORDED_AT = STORED_FIELDS.index("occurred_at"), STORED_FIELDS.index("recorded_at")
# SQLAlchemy's spelling of a time in SQLite (naive UTC): respelled canonical by slicing alone.
_sqlite_time = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}"
).fullmatch
_esc = json.encoder.encode_basestring  # what `canonical` writes for a str (ensure_ascii=False)


def stored_time(value: Any) -> str | None:
    """A stored time's canonical spelling (`timestamp` of the datetime the column type reads),
    or None when the value is no time. SQLite's own text ("2025-11-21 14:00:01.000001") is
    respelled by slicing alone; anything else is read as the column type reads it first."""
    if type(value) is str and _sqlite_time(value) is not None:
        return f"{value[:10]}T{value[11:]}Z"
    if type(value) is datetime and value.tzinfo is UTC:  # PostgreSQL's (asyncpg)
        return value.isoformat(timespec="microseconds")[:26] + "Z"
    moment = stored_moment(value)
    return time_text(moment) if isinstance(moment, datetime) else None


def stored_moment(value: Any) -> Any:
    """A stored time as `UTCDateTime` reads it (SQLite's text by `datetime.fromisoformat`, naive
    meaning UTC); text that is no time stays as it is (so sealed, it cannot match its hash)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def stored_fields(values: Sequence[Any]) -> dict[str, Any]:
    """A stored row as the column types read it, by name: what `sealed_text` takes."""
    fields = dict(zip(STORED_FIELDS, values, strict=True))
    for name in TIME_FIELDS:
        fields[name] = stored_moment(fields[name])
    return fields


def stored_text(values: Sequence[Any], occurred: str | None, recorded: str | None) -> str:
    """`sealed_text` of a stored row, its times as `stored_time` spelled them: one f-string when
    every value has its usual type, else `sealed_text` of `stored_fields` (the same bytes:
    tests/record/test_fast_sealed.py)."""
    (incident, seq, kind, key, channel, ts, thread, user, name, event, client) = values[:11]
    recovered, content, previous = values[13:16]
    usual = type(incident) is int and type(seq) is int and type(content) is str
    if not usual or occurred is None or recorded is None:
        return sealed_text(stored_fields(values))
    try:
        return (
            f'{{"channel_id":{"null" if channel is None else _esc(channel)},'
            f'"client_msg_id":{"null" if client is None else _esc(client)},'
            f'"content":{content},"dedupe_key":{_esc(key)},'
            f'"event_id":{"null" if event is None else _esc(event)},'
            f'"incident_id":{incident},"kind":{_esc(kind)},"occurred_at":"{occurred}",'
            f'"prev_hash":{_esc(previous)},"recorded_at":"{recorded}",'
            f'"recovered":{"true" if recovered else "false"},"seq":{seq},'
            f'"thread_ts":{"null" if thread is None else _esc(thread)},'
            f'"ts":{"null" if ts is None else _esc(ts)},'
            f'"user_id":{"null" if user is None else _esc(user)},'
            f'"user_name":{"null" if name is None else _esc(name)}}}'
        )
    except TypeError:  # a value of an unusual type (None where none belongs, bytes, a number)
        return sealed_text(stored_fields(values))
