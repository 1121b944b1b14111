"""JSONL (the complete record, every field and hash) and CSV (one row per entry), streamed."""

from __future__ import annotations

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


def csv_line(cells: Sequence[str]) -> str:
    """One CSV record as `csv.writer` writes it (excel dialect: a cell holding a quote, a comma
    or a line break quoted, its quotes doubled; CRLF), byte for byte (tests/record/
    test_csv_line.py), at a third of its cost for the record's rows of long JSON cells."""
    if len(cells) == 1 and not cells[0]:
        return '""\r\n'  # (a record of one empty cell, which would read as no cell at all)
    return ",".join([_quoted(c) if _special(c) else c for c in cells]) + "\r\n"


def _special(cell_text: str) -> bool:
    return '"' in cell_text or "," in cell_text or "\n" in cell_text or "\r" in cell_text


def _quoted(cell_text: str) -> str:
    return '"' + cell_text.replace('"', '""') + '"'


class CsvWriter:
    def __init__(self, out: TextIO, names: Mapping[str, str]) -> None:
        self.out, self.names = out, names
        out.write(csv_line(CSV_COLUMNS))

    def write(self, values: Sequence[Any], walk: Walk) -> None:
        """One stored row (its times as the walk spelled them) as the CSV_COLUMNS cells."""
        (_, seq, kind, key, channel, ts, thread, user, name, event, client) = values[:11]
        occurred, recorded, recovered, content, previous, digest = values[11:]
        text = entry_text(seq, kind, user, content, occurred, self.names)
        cells = [
            cell(value)
            for value in (seq, kind, walk.occurred or occurred, walk.recorded or recorded)
        ]
        cells.append("yes" if recovered else "no")
        cells += [
            cell(value)
            for value in (user, name, channel, ts, thread, text, content, key, event, client)
        ]
        cells += [cell(previous), cell(digest), *organisation_cells(content)]
        self.out.write(csv_line(cells))


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
