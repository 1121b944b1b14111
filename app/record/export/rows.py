"""JSONL (the complete record, every field and hash) and CSV (one row per entry), streamed."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from typing import Any, TextIO

from app.record.chain import sealed_text, timestamp
from app.record.export.decisions import summary
from app.record.export.model import Act
from app.record.export.text import cell, plain, raw_text
from app.record.models import EntryKind
from app.record.reactions import KINDS as REACTION_OR_PIN
from app.record.reactions import describe

CSV_COLUMNS = (
    "seq",
    "kind",
    "occurred_at",
    "recorded_at",
    "recovered",
    "user_id",
    "user_name",
    "channel_id",
    "ts",
    "thread_ts",
    "text",
    "content",
    "dedupe_key",
    "event_id",
    "client_msg_id",
    "prev_hash",
    "hash",
)


def jsonl_line(row: Mapping[str, Any], text: str | None = None) -> str:
    """One entry as JSON: its sealed document with its hash. Drop "hash", canonicalise what is
    left, and its SHA-256 must be that hash. `text` is the sealed text, when already made."""
    sealed = text if text is not None else sealed_text(row)
    return f'{{"hash":"{row["hash"]}",{sealed[1:]}\n'


class CsvWriter:
    def __init__(self, out: TextIO, names: Mapping[str, str]) -> None:
        self.writer = csv.writer(out, lineterminator="\r\n")
        self.names = names
        self.writer.writerow(CSV_COLUMNS)

    def write(self, row: Mapping[str, Any]) -> None:
        values = dict(row)
        values["occurred_at"] = timestamp(row["occurred_at"])
        values["recorded_at"] = timestamp(row["recorded_at"])
        values["recovered"] = "yes" if row["recovered"] else "no"
        values["text"] = entry_text(row, self.names)
        self.writer.writerow([cell(values.get(column)) for column in CSV_COLUMNS])


def entry_text(row: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """What the entry says, in words: the message, the new version, the deleted original."""
    content = json.loads(row["content"])
    kind = row["kind"]
    if kind == EntryKind.ACTION:
        act = Act(
            row["seq"],
            row["occurred_at"],
            row["user_id"] or "",
            content.get("action", ""),
            content.get("detail") or {},
        )
        return summary(act, names)
    if kind == EntryKind.DELETE:
        return "deleted: " + plain(raw_text(content.get("previous") or {}), names)
    if kind in REACTION_OR_PIN:
        return describe(kind, content, names)
    text = plain(raw_text(content.get("message") or {}) or content.get("system", ""), names)
    files = [str(f.get("name")) for f in (content.get("message") or {}).get("files") or []]
    return "\n".join([text, *(f"[file: {name}]" for name in files)]).strip()
