"""JSONL (the complete record, every field and hash) and CSV (one row per entry), streamed."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from app.record.chain import sealed_text
from app.record.export.decisions import summary
from app.record.export.model import Act
from app.record.export.text import cell, plain, raw_text
from app.record.models import EntryKind
from app.record.organisations import KEY as ORGANISATION
from app.record.organisations import from_content
from app.record.reactions import KINDS as REACTION_OR_PIN
from app.record.reactions import describe
from app.record.stored import stored_fields, stored_moment
from app.record.walk import Walk

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
    "organisation",
    "affiliation",
)


def jsonl_line(row: Mapping[str, Any], text: str | None = None) -> str:
    """One entry as JSON: its sealed document with its hash. Drop "hash", canonicalise what is
    left, and its SHA-256 must be that hash. `text` is the sealed text, when already made."""
    sealed = text if text is not None else sealed_text(row)
    return f'{{"hash":"{row["hash"]}",{sealed[1:]}\n'


def stored_line(values: Sequence[Any], text: str | None) -> str:
    """`jsonl_line` of a stored row whose sealed text the walk has made."""
    if text is None:  # it has none (a value no JSON holds): say so as `jsonl_line` does
        return jsonl_line(stored_fields(values))
    return f'{{"hash":"{values[-1]}",{text[1:]}\n'


class CsvWriter:
    def __init__(self, out: TextIO, names: Mapping[str, str]) -> None:
        self.writer = csv.writer(out, lineterminator="\r\n")
        self.names = names
        self.writer.writerow(CSV_COLUMNS)

    def write(self, values: Sequence[Any], walk: Walk) -> None:
        """One stored row (its times as the walk spelled them) as the CSV_COLUMNS cells."""
        (_, seq, kind, key, channel, ts, thread, user, name, event, client) = values[:11]
        occurred, recorded, recovered, content, previous, digest = values[11:]
        text = entry_text(seq, kind, user, content, occurred, self.names)
        self.writer.writerow(
            (
                cell(seq),
                cell(kind),
                walk.occurred or cell(occurred),
                walk.recorded or cell(recorded),
                "yes" if recovered else "no",
                cell(user),
                cell(name),
                cell(channel),
                cell(ts),
                cell(thread),
                cell(text),
                cell(content),
                cell(key),
                cell(event),
                cell(client),
                cell(previous),
                cell(digest),
                *organisation_cells(content),
            )
        )


def organisation_cells(content: str) -> tuple[str, str]:
    """The author's organisation and "internal"/"external", when the entry recorded them."""
    found = from_content(json.loads(content)) if f'"{ORGANISATION}"' in content else None
    return (cell(found.label), found.affiliation) if found else ("", "")


def entry_text(
    seq: int, kind: str, user_id: str | None, content: str, occurred: Any, names: Mapping[str, str]
) -> str:
    """What the entry says, in words: the message, the new version, the deleted original."""
    said = json.loads(content)
    if kind == EntryKind.ACTION:
        when = stored_moment(occurred)
        act = Act(seq, when, user_id or "", said.get("action", ""), said.get("detail") or {})
        return summary(act, names)
    if kind == EntryKind.DELETE:
        return "deleted: " + plain(raw_text(said.get("previous") or {}), names)
    if kind in REACTION_OR_PIN:
        return describe(kind, said, names)
    message = said.get("message") or {}
    text = plain(raw_text(message) or said.get("system", ""), names)
    files = message.get("files")
    if not files:
        return text.strip()
    return "\n".join([text, *(f"[file: {f.get('name')}]" for f in files)]).strip()
