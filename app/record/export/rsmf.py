"""`--format rsmf`: the record as RSMF 2.0 files for eDiscovery review platforms.

One `.rsmf` per UTC day of the war room (and another each `limit` events), named
`INC-3-2026-11-21.rsmf` (`INC-3-2026-11-21-part2.rsmf` for a day's later parts). Each is handed
to `write(name, bytes)` as soon as it is packed, so only one day's files are in memory at once.
"""

from __future__ import annotations

import asyncio
import io
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from app.record import queries
from app.record.export.model import Facts
from app.record.export.rsmf_events import Collector
from app.record.export.rsmf_manifest import EVENT_LIMIT, Conversation, Slice, manifest, slices, span
from app.record.export.rsmf_pack import pack
from app.record.export.run import ExportResult, Progress, export_record
from app.record.stored import stored_fields
from app.record.walk import Walk
from app.store.engine import SessionFactory

Writer = Callable[[str, bytes], None]
UNSAFE = re.compile(r"[^\w.\-]+")


async def export_rsmf(
    db: SessionFactory,
    incident_id: int,
    write: Writer,
    *,
    now: datetime,
    limit: int = EVENT_LIMIT,
    progress: Progress | None = None,
    known_names: Mapping[str, str] | None = None,
) -> ExportResult:
    """Write the incident's record as .rsmf files through `write`."""

    def make_sink(names: dict[str, str]) -> RsmfSink:
        return RsmfSink(db, names, write, limit=limit)

    return await export_record(
        db,
        incident_id,
        "rsmf",
        io.StringIO(),  # unused: the files go through `write`
        now=now,
        progress=progress,
        known_names=known_names,
        make_sink=make_sink,
    )


class RsmfSink:
    def __init__(
        self, db: SessionFactory, names: Mapping[str, str], write: Writer, *, limit: int
    ) -> None:
        self.db, self.names, self.write, self.limit = db, dict(names), write, limit
        self.walk = Walk()
        self.collector = Collector()
        self.written: list[str] = []

    def feed(self, values: Sequence[Any]) -> None:
        self.walk.feed_stored(values)
        self.collector.feed(stored_fields(values))

    async def finish(
        self, facts: Facts, roles: Mapping[str, list[str]], now: datetime, integrity: str
    ) -> None:
        events = self.collector.finish()
        names = {**self.collector.names, **self.names}
        channel = self.collector.channel_id or facts.channel
        conversation = Conversation(channel, f"#{facts.channel}", f"{facts.ref}-{channel}")
        parts = slices(events, limit=self.limit)
        per_day = Counter(part.day for part in parts)
        for part in parts:
            name = f"{facts.ref}-{part.day.isoformat()}"
            name += f"-part{part.part}.rsmf" if per_day[part.day] > 1 else ".rsmf"
            contents, attachments = await self._files(part)
            found = manifest(
                conversation,
                part,
                names=names,
                emails=self.collector.emails,
                orgs=self.collector.orgs,
                roles=roles,
                attachments=attachments,
            )
            subject = f"{facts.ref} {conversation.display} {part.day.isoformat()}"
            data = await asyncio.to_thread(
                pack, found, contents, subject=subject, custodian=facts.opened_by, span=span(part)
            )
            self.write(name, data)
            self.written.append(name)

    async def _files(self, part: Slice) -> tuple[dict[str, bytes], dict[str, str]]:
        """The bytes of the files this slice's messages shared, each under a name in the zip."""
        wanted: dict[str, str] = {}
        for event in part.events:
            for item in event.files:
                if item.get("stored") and item.get("sha256"):
                    wanted.setdefault(str(item["sha256"]), str(item.get("name") or "file"))
        if not wanted:
            return {}, {}
        async with self.db() as session:
            conn = await session.connection()
            stored = await conn.run_sync(queries.file_hashes, list(wanted))
        names = {sha: f"{sha[:12]}_{UNSAFE.sub('_', name)[-80:]}" for sha, name in wanted.items()}
        contents = {names[sha]: content for sha, content in stored.items()}
        return contents, {sha: names[sha] for sha in stored}
