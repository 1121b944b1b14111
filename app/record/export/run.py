"""Exporting one incident's record in one of four formats, streaming it from the database."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TextIO

from sqlalchemy import Connection

from app.errors import NotFound
from app.incidents.models import Incident
from app.record import queries
from app.record.chain import GENESIS
from app.record.export.heap import collector_paused
from app.record.export.model import Facts
from app.record.export.rows import CsvWriter, stored_line
from app.record.verify import head_problems
from app.record.walk import Verdict, Walk
from app.roles.models import RoleAssignment
from app.store.engine import SessionFactory

FETCH = 2000
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ExportResult:
    incident_id: int
    ref: str
    fmt: str
    filename: str
    entries: int
    final_hash: str
    intact: bool
    integrity: str
    file_id: str | None = None


class Sink(Protocol):
    """Takes each stored row (`stored.STORED_FIELDS` order) as it streams past, checking it
    with its `walk`, then writes or gathers it; `finish` once every row is in."""

    walk: Walk

    def feed(self, values: Sequence[Any]) -> None: ...

    async def finish(
        self, facts: Facts, roles: Mapping[str, list[str]], now: datetime, integrity: str
    ) -> None: ...


async def export_record(
    db: SessionFactory,
    incident_id: int,
    fmt: str,
    out: TextIO,
    *,
    now: datetime,
    tz: str = "UTC",
    progress: Progress | None = None,
    known_names: Mapping[str, str] | None = None,
    make_sink: Callable[[dict[str, str]], Sink] | None = None,
) -> ExportResult:
    """Write the incident's record to `out` as html, md, jsonl or csv. `known_names` fills in
    people the record never named (the names it stored win). `make_sink` builds the sink of a
    format that writes files of its own (RSMF: `app/record/export/rsmf.py`)."""
    # Not for a PDF: WeasyPrint leaves reference cycles behind as it lays out, for the collector.
    with collector_paused() if fmt != "pdf" else nullcontext():
        return await _export(
            db, incident_id, fmt, out, now, tz, progress, known_names or {}, make_sink
        )


async def _export(
    db: SessionFactory,
    incident_id: int,
    fmt: str,
    out: TextIO,
    now: datetime,
    tz: str,
    progress: Progress | None,
    known_names: Mapping[str, str],
    make_sink: Callable[[dict[str, str]], Sink] | None,
) -> ExportResult:
    async with db() as session:
        incident = await session.get(Incident, incident_id)
        if incident is None:
            raise NotFound(f"There is no incident INC-{incident_id}.")
        conn = await session.connection()
        head, names, roles = await conn.run_sync(_context, incident, now)
        names = {**known_names, **names, incident.channel_id: incident.channel_name}
        sink = make_sink(names) if make_sink else _sink(fmt, out, names, tz)
        await conn.run_sync(_stream, sink, incident_id, head[0], progress)
    integrity = _integrity(sink.walk.verdict(), head)
    await sink.finish(_facts(incident, names), roles, now, integrity)
    return ExportResult(
        incident_id=incident_id,
        ref=incident.ref,
        fmt=fmt,
        filename=f"{incident.ref}-record.{fmt}",
        entries=sink.walk.count,
        final_hash=sink.walk.previous,
        intact=integrity == "intact",
        integrity=integrity,
    )


def _stream(
    conn: Connection, sink: Sink, incident_id: int, upto: int, progress: Progress | None
) -> None:
    """Feed the sink every stored row up to the head read before, in one pass that verifies
    as it writes (run through `run_sync`: the event loop serves other work while each batch
    of FETCH rows is fetched)."""
    query = queries.stored_query(incident_id, upto=upto).execution_options(yield_per=FETCH)
    result = conn.execute(query)
    feed, done = sink.feed, 0
    try:
        for partition in result.partitions():
            for values in partition:
                feed(values)
            done += len(partition)
            if progress:
                progress(done, upto)
    finally:
        result.close()


def _integrity(verdict: Verdict, head: tuple[int, str]) -> str:
    if verdict.first_break is not None:
        return verdict.first_break.describe()
    problems = head_problems(verdict, head)
    return problems[0] if problems else "intact"


def _context(
    conn: Connection, incident: Incident, now: datetime
) -> tuple[tuple[int, str], dict[str, str], dict[str, list[str]]]:
    assert incident.id is not None
    head = queries.head(conn, incident.id) or (0, GENESIS)
    return head, queries.names(conn, incident.id), _roles(conn, incident.opened_at, now)


def _roles(conn: Connection, start: datetime, end: datetime) -> dict[str, list[str]]:
    """The standing roles each person held at any time during the incident."""
    table = RoleAssignment.__table__  # type: ignore[attr-defined]
    query = (
        table.select()
        .where(table.c.assigned_at <= end)
        .where((table.c.removed_at.is_(None)) | (table.c.removed_at >= start))
        .order_by(table.c.id)
    )
    held: dict[str, list[str]] = {}
    for row in conn.execute(query):
        roles = held.setdefault(row.user_id, [])
        role = f"{row.role} (backup)" if row.backup else row.role
        if role not in roles:
            roles.append(role)
    return held


def _facts(incident: Incident, names: Mapping[str, str]) -> Facts:
    return Facts(
        ref=incident.ref,
        title=incident.title,
        severity=incident.severity.label,
        kind=incident.kind.label,
        status=str(incident.status),
        channel=incident.channel_name,
        opened_by=names.get(incident.opened_by, incident.opened_by),
        opened_at=incident.opened_at,
        summary=incident.summary,
    )


def _sink(fmt: str, out: TextIO, names: dict[str, str], tz: str) -> Sink:
    if fmt == "jsonl":
        return JsonlSink(out)
    if fmt == "csv":
        writer = CsvWriter(out, names)
        return LineSink(out, writer.write)
    if fmt in ("html", "md", "pdf"):
        # Imported when a document is first exported: its renderers (Jinja2, the emoji table,
        # WeasyPrint) would otherwise sit in every bot's memory from start.
        from app.record.export.documents import document_sink

        return document_sink(out, fmt, names, tz)
    raise ValueError(f"unknown export format {fmt!r}")


class LineSink:
    """JSONL and CSV: each entry written as it streams past."""

    def __init__(self, out: TextIO, write: Callable[[Sequence[Any], Walk], Any]) -> None:
        self.out, self.write, self.walk = out, write, Walk()

    def feed(self, values: Sequence[Any]) -> None:
        self.walk.feed_stored(values)
        self.write(values, self.walk)

    async def finish(
        self, facts: Facts, roles: Mapping[str, list[str]], now: datetime, integrity: str
    ) -> None:
        return None


class JsonlSink(LineSink):
    """Every entry with its hash, as the chain check has just sealed it."""

    def __init__(self, out: TextIO) -> None:
        super().__init__(out, lambda _values, _walk: None)  # `feed` writes each line itself

    def feed(self, values: Sequence[Any]) -> None:
        self.walk.feed_stored(values)
        self.out.write(stored_line(values, self.walk.text))
