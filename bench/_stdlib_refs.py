"""The references `record_export_verify.py` measures beside the bot's verify and exports: what
the stdlib alone does on the same SQLite file (sqlite3 + json + hashlib)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

from app.record.chain import GENESIS

COLUMNS = (
    "incident_id, seq, kind, dedupe_key, channel_id, ts, thread_ts, user_id, user_name, "
    "event_id, client_msg_id, occurred_at, recorded_at, recovered, content, prev_hash, hash"
)


def stdlib_rows(path: Path, incident_id: int) -> Iterator[dict[str, Any]]:
    with closing(sqlite3.connect(path)) as conn:
        conn.row_factory = sqlite3.Row
        query = f"SELECT {COLUMNS} FROM record_entry WHERE incident_id = ? ORDER BY seq"
        for row in conn.execute(query, (incident_id,)):
            yield dict(row)


def stdlib_verify(path: Path, incident_id: int) -> int:
    """Reference: sqlite3 + json + hashlib, one dict and one sorted dumps per entry."""
    previous, count = GENESIS, 0
    for row in stdlib_rows(path, incident_id):
        digest = row.pop("hash")
        row["content"] = json.loads(row["content"])
        row["recovered"] = bool(row["recovered"])
        for name in ("occurred_at", "recorded_at"):
            row[name] = row[name].replace(" ", "T")[:26] + "Z"
        text = json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert row["prev_hash"] == previous, row["seq"]
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == digest, row["seq"]
        previous, count = digest, count + 1
    return count


def stdlib_verify_text(path: Path, incident_id: int) -> int:
    """Reference: the canonical form built as one string per entry (no dict, no sorted dumps),
    as a careful hand-written verifier would: the floor a verify in Python can reach."""
    esc, previous, count = json.encoder.encode_basestring, GENESIS, 0
    with closing(sqlite3.connect(path)) as conn:
        query = f"SELECT {COLUMNS} FROM record_entry WHERE incident_id = ? ORDER BY seq"
        for row in conn.execute(query, (incident_id,)):
            (incident, seq, kind, key, channel, ts, thread, user, name, event, client) = row[:11]
            occurred, recorded, recovered, content, prev, digest = row[11:]
            text = (
                f'{{"channel_id":{_n(channel)},"client_msg_id":{_n(client)},"content":{content},'
                f'"dedupe_key":{esc(key)},"event_id":{_n(event)},"incident_id":{incident},'
                f'"kind":{esc(kind)},"occurred_at":"{occurred[:10]}T{occurred[11:]}Z",'
                f'"prev_hash":{esc(prev)},"recorded_at":"{recorded[:10]}T{recorded[11:]}Z",'
                f'"recovered":{"true" if recovered else "false"},"seq":{seq},'
                f'"thread_ts":{_n(thread)},"ts":{_n(ts)},"user_id":{_n(user)},'
                f'"user_name":{_n(name)}}}'
            )
            assert prev == previous, seq
            assert hashlib.sha256(text.encode("utf-8")).hexdigest() == digest, seq
            previous, count = digest, count + 1
    return count


def _n(value: str | None) -> str:
    return "null" if value is None else json.encoder.encode_basestring(value)


def stdlib_jsonl(path: Path, incident_id: int, out: Path) -> int:
    """Reference: a minimal JSONL writer, every row as it comes, no checking."""
    count = 0
    with out.open("w", encoding="utf-8") as handle:
        for row in stdlib_rows(path, incident_id):
            row["content"] = json.loads(row["content"])
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count
