"""The hash chain, as pure functions: canonical JSON, an entry's seal and a chain check.

An entry's hash is the SHA-256 of the canonical JSON of every field it stores (its content
included, as a JSON object) plus `prev_hash`, the hash of the entry before it (GENESIS for the
first). Canonical JSON: keys sorted, no whitespace, UTF-8, no NaN. Anyone holding the JSONL
export can recompute every link: drop "hash" from a line, canonicalise it, hash it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

GENESIS = "0" * 64

SEALED_FIELDS = (
    "incident_id",
    "seq",
    "kind",
    "dedupe_key",
    "channel_id",
    "ts",
    "thread_ts",
    "user_id",
    "user_name",
    "event_id",
    "client_msg_id",
    "occurred_at",
    "recorded_at",
    "recovered",
    "content",
    "prev_hash",
)


def canonical(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def timestamp(moment: datetime) -> str:
    """One spelling for every time in the chain: UTC, microseconds, Z."""
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def sealed(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The document an entry's hash covers, from stored columns (times as datetimes, content
    as its JSON text) or from a JSONL line (times as text, content as an object)."""
    document = _header(fields)
    content = fields.get("content")
    document["content"] = json.loads(content) if isinstance(content, str) else content
    return document


def sealed_text(fields: Mapping[str, Any]) -> str:
    """canonical(sealed(fields)), assembled field by field in sorted key order. Stored content
    was stored canonical, so its text goes in as it is. (Stored text that is not canonical no
    longer matches its hash, which is right: the stored bytes changed.) The bytes are those of
    `canonical(sealed(fields))`: tests/record/test_canonical_identity.py proves it."""
    get = fields.get
    parts = []
    for name, prefix in _PREFIXES:
        value = get(name)
        if name == "content" and isinstance(value, str):
            parts.append(prefix + value)
        elif name in _TIMES:
            parts.append(prefix + _value(_time(value)))
        elif name == "recovered":
            parts.append(prefix + ("true" if value else "false"))
        else:
            parts.append(prefix + _value(value))
    return "{" + ",".join(parts) + "}"


def entry_hash(fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(sealed_text(fields).encode("utf-8")).hexdigest()


_TIMES = frozenset({"occurred_at", "recorded_at"})
_PREFIXES = tuple((name, json.dumps(name) + ":") for name in sorted(SEALED_FIELDS))
_encode = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
).encode


def _value(value: Any) -> str:
    """One value as `canonical` spells it; the common column types without a full dumps."""
    kind = type(value)
    if kind is str:
        return _encode(value)
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    return _encode(value)


def _time(value: Any) -> Any:
    if not isinstance(value, datetime):
        return value
    if value.utcoffset() == _ZERO:
        return value.isoformat(timespec="microseconds")[:26] + "Z"
    return timestamp(value)


_ZERO = timedelta(0)


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
    return _time(moment) if isinstance(moment, datetime) else None


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
    for name in _TIMES:
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


def _header(fields: Mapping[str, Any]) -> dict[str, Any]:
    document = {name: fields.get(name) for name in SEALED_FIELDS}
    for name in ("occurred_at", "recorded_at"):
        value = document[name]
        if isinstance(value, datetime):
            document[name] = timestamp(value)
    document["recovered"] = bool(document["recovered"])
    return document


@dataclass(frozen=True)
class Break:
    """The first entry that does not fit the chain, and why."""

    seq: int
    position: int
    reason: str
    what: str = ""

    def describe(self) -> str:
        what = f" ({self.what})" if self.what else ""
        return f"entry {self.position}, seq {self.seq}{what}: {self.reason}"


@dataclass(frozen=True)
class Verdict:
    entries: int
    final_hash: str
    first_break: Break | None

    @property
    def intact(self) -> bool:
        return self.first_break is None


class Walk:
    """Checks entries one at a time, in seq order; remembers the first that does not match.
    `text` is the sealed text of the last entry fed (the JSONL export writes it; None when it
    has none), `occurred` and `recorded` the canonical times of the last stored row fed."""

    def __init__(self) -> None:
        self.previous = GENESIS
        self.count = 0
        self.first_break: Break | None = None
        self.text: str | None = ""
        self.occurred: str | None = None
        self.recorded: str | None = None

    def feed(self, row: Mapping[str, Any]) -> bool:
        if self.first_break is not None:
            return False
        try:
            self.text = sealed_text(row)
        except (ValueError, TypeError):
            self.text = None
        return self._judge(row["seq"], row["prev_hash"], row["hash"], row)

    def feed_stored(self, values: Sequence[Any]) -> bool:
        """`feed` for a stored row (STORED_FIELDS order), without a dict or a datetime; its
        sealed text and times are made whether or not the chain already broke."""
        self.occurred = occurred = stored_time(values[OCCURRED_AT])
        self.recorded = recorded = stored_time(values[RECORDED_AT])
        try:
            self.text = stored_text(values, occurred, recorded)
        except (ValueError, TypeError):
            self.text = None
        if self.first_break is not None:
            return False
        return self._judge(values[1], values[-2], values[-1], values)

    def _judge(
        self, seq: Any, previous: Any, digest: Any, row: Mapping[str, Any] | Sequence[Any]
    ) -> bool:
        position = self.count + 1
        reason = self._fault(seq, previous, digest, position)
        if reason is None:
            self.count, self.previous = position, str(digest)
            return True
        fields = row if isinstance(row, Mapping) else stored_fields(row)
        self.first_break = Break(int(seq), position, reason, describe_row(fields))
        return False

    def _fault(self, seq: Any, previous: Any, digest: Any, expected_seq: int) -> str | None:
        if seq != expected_seq:
            return seq_fault(expected_seq, int(seq))
        if previous != self.previous:
            return "its prev_hash is not the hash of the entry before it"
        if self.text is None:
            return "its content is not valid JSON"
        if hashlib.sha256(self.text.encode("utf-8")).hexdigest() != digest:
            return "its stored fields do not match its hash (the entry was altered)"
        return None

    def verdict(self) -> Verdict:
        return Verdict(self.count, self.previous, self.first_break)


def seq_fault(expected: int, found: int) -> str:
    """Sequence numbers run 1, 2, 3 … with no gap: name what is missing or out of place."""
    if found > expected:
        last = found - 1
        gap = f"seq {expected} is" if last == expected else f"seq {expected} to {last} are"
        return f"expected seq {expected} here but found seq {found}: {gap} missing (a gap)"
    return f"expected seq {expected} here but found seq {found} (an entry is out of place)"


def check(rows: Iterable[Mapping[str, Any]]) -> Verdict:
    """Walk entries in seq order; stop at the first that does not match."""
    walk = Walk()
    for row in rows:
        if not walk.feed(row):
            break
    return walk.verdict()


def describe_row(row: Mapping[str, Any]) -> str:
    who = row.get("user_name") or row.get("user_id") or "nobody named"
    when = row.get("occurred_at")
    when = timestamp(when) if isinstance(when, datetime) else str(when or "")
    return f"{row.get('kind')} by {who} at {when}"
