"""The hash chain, as pure functions: canonical JSON and an entry's seal (walking a chain to
check it: `app/record/walk.py`; stored rows' fast canonical text: `app/record/stored.py`).

An entry's hash is the SHA-256 of the canonical JSON of every field it stores (its content
included, as a JSON object) plus `prev_hash`, the hash of the entry before it (GENESIS for the
first). Canonical JSON: keys sorted, no whitespace, UTF-8, no NaN. Anyone holding the JSONL
export can recompute every link: drop "hash" from a line, canonicalise it, hash it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
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
        elif name in TIME_FIELDS:
            parts.append(prefix + _value(time_text(value)))
        elif name == "recovered":
            parts.append(prefix + ("true" if value else "false"))
        else:
            parts.append(prefix + _value(value))
    return "{" + ",".join(parts) + "}"


def entry_hash(fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(sealed_text(fields).encode("utf-8")).hexdigest()


TIME_FIELDS = frozenset({"occurred_at", "recorded_at"})
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


def time_text(value: Any) -> Any:
    """A time as the chain spells it (`timestamp` of a datetime); anything else as it is."""
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
