"""The hash chain, as pure functions: canonical JSON, an entry's seal and a chain check.

An entry's hash is the SHA-256 of the canonical JSON of every field it stores (its content
included, as a JSON object) plus `prev_hash`, the hash of the entry before it (GENESIS for the
first). Canonical JSON: keys sorted, no whitespace, UTF-8, no NaN. Anyone holding the JSONL
export can recompute every link: drop "hash" from a line, canonicalise it, hash it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
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
    `text` is the sealed text of the last entry that matched (the JSONL export writes it)."""

    def __init__(self) -> None:
        self.previous = GENESIS
        self.count = 0
        self.first_break: Break | None = None
        self.text = ""

    def feed(self, row: Mapping[str, Any]) -> bool:
        if self.first_break is not None:
            return False
        position = self.count + 1
        reason = self._fault(row, position)
        if reason is not None:
            self.first_break = Break(int(row["seq"]), position, reason, describe_row(row))
            return False
        self.count, self.previous = position, str(row["hash"])
        return True

    def _fault(self, row: Mapping[str, Any], expected_seq: int) -> str | None:
        if row["seq"] != expected_seq:
            return seq_fault(expected_seq, int(row["seq"]))
        if row["prev_hash"] != self.previous:
            return "its prev_hash is not the hash of the entry before it"
        try:
            self.text = sealed_text(row)
        except (ValueError, TypeError):
            return "its content is not valid JSON"
        if hashlib.sha256(self.text.encode("utf-8")).hexdigest() != row["hash"]:
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
