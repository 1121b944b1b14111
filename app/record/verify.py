"""Verifying an incident's record: the chain, its head, the stored file bytes and anchors.

- The chain: every entry's hash and link, sequence numbers contiguous from 1.
- The head: the head row must name the chain's last entry. A head behind the chain (moved
  back), ahead of it (entries cut from the end) or missing is tampering, named as such. Entries
  appended while verify runs are read before the head is judged, so a live bot is no problem.
- Files: stored bytes must still hash to what their entries say.
- Anchors (from Slack, with `--slack`): each says entry N had hash H when it was posted; the
  database must still hold entry N with hash H.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Select, select

from app.record import queries
from app.record.anchors import Anchor, for_incident, mismatch
from app.record.append import ENTRY
from app.record.models import EntryKind
from app.record.stored import STORED_FIELDS
from app.record.walk import Verdict, Walk
from app.store.engine import SessionFactory

Progress = Callable[[int, int], None]
EVERY = 10_000
CATCH_UP_ROUNDS = 5
BATCH = 500
FETCH = 5000
SEQ, KIND, CONTENT = (STORED_FIELDS.index(name) for name in ("seq", "kind", "content"))
FILE_KIND = EntryKind.FILE.value


@dataclass(frozen=True)
class Report:
    incident_id: int
    verdict: Verdict
    problems: list[str] = field(default_factory=list)
    anchors: int = 0  # anchors from Slack checked against this record

    @property
    def ref(self) -> str:
        return f"INC-{self.incident_id}"

    @property
    def intact(self) -> bool:
        return self.verdict.intact and not self.problems

    def describe(self) -> str:
        count, final = self.verdict.entries, self.verdict.final_hash
        if self.intact:
            plural = (
                "anchor from Slack matches" if self.anchors == 1 else "anchors from Slack match"
            )
            checked = f"; {self.anchors} {plural}" if self.anchors else ""
            return f"{self.ref}: intact, {count:,} entries, final hash {final}{checked}"
        first = self.verdict.first_break
        reasons = [f"The first entry that does not match is {first.describe()}"] if first else []
        return f"{self.ref}: NOT intact. " + "\n  ".join([*reasons, *self.problems])


async def verify_incident(
    db: SessionFactory,
    incident_id: int,
    *,
    progress: Progress | None = None,
    anchors: Sequence[Anchor] = (),
) -> Report:
    async with db() as session:
        conn = await session.connection()
        return await conn.run_sync(verify_on, incident_id, progress, anchors)


def verify_on(
    conn: Connection,
    incident_id: int,
    progress: Progress | None = None,
    anchors: Sequence[Anchor] = (),
) -> Report:
    walk, files = Walk(), FileCheck()
    total = queries.count(conn, incident_id)
    _feed(conn, walk, files, queries.stored_query(incident_id), progress, total)
    problems = end_problems(conn, incident_id, walk, files) if walk.first_break is None else []
    if walk.first_break is None:
        problems += files.problems(conn)
    mine = for_incident(anchors, incident_id)
    problems += anchor_problems(conn, incident_id, mine)
    return Report(incident_id, walk.verdict(), problems, anchors=len(mine))


def _feed(
    conn: Connection,
    walk: Walk,
    files: FileCheck,
    query: Select[Any],
    progress: Progress | None,
    total: int,
) -> None:
    """Walk the stored rows as the driver returns them, a fetch of FETCH rows at a time."""
    result = conn.execute(query.execution_options(yield_per=FETCH))
    try:
        for values in result:
            if not walk.feed_stored(values):
                return
            if values[KIND] == FILE_KIND:
                files.note(values[SEQ], values[CONTENT])
            if progress and walk.count % EVERY == 0:
                progress(walk.count, max(total, walk.count))
    finally:
        result.close()


def end_problems(conn: Connection, incident_id: int, walk: Walk, files: FileCheck) -> list[str]:
    """Judge the head against the chain's end, first reading entries appended meanwhile."""
    for _ in range(CATCH_UP_ROUNDS):
        head = queries.head(conn, incident_id)
        before = walk.count
        if head is None or head[0] <= before:
            problem = head_mismatch(before, walk.previous, head)
            return [problem] if problem else []
        later = queries.stored_query(incident_id, upto=head[0]).where(ENTRY.c.seq > before)
        _feed(conn, walk, files, later, None, 0)
        if walk.first_break is not None:
            return []
        if walk.count == before:
            return [head_mismatch(before, walk.previous, head) or ""]
    return []


def head_mismatch(end: int, final: str, head: tuple[int, str] | None) -> str | None:
    """How the head row contradicts a chain that ends at seq `end` with hash `final`."""
    if head is None:
        if end == 0:
            return None
        return f"the head row is missing (it was deleted) but the chain goes to seq {end}"
    seq, digest = head
    if seq < end:
        return (
            f"the head row says seq {seq} but the chain goes to seq {end}: the head was moved back"
        )
    if seq > end:
        return (
            f"the head row says seq {seq} but the chain ends at seq {end}: "
            f"entries are missing after seq {end} (cut from the end)"
        )
    if digest != final:
        return f"the head row's hash is not the hash of entry {end}: the head was rewritten"
    return None


def head_problems(verdict: Verdict, head: tuple[int, str]) -> list[str]:
    """For a read that stopped at the head (exports): entries cut from the end show here."""
    problem = head_mismatch(verdict.entries, verdict.final_hash, head)
    return [problem] if problem else []


def anchor_problems(conn: Connection, incident_id: int, anchors: Sequence[Anchor]) -> list[str]:
    if not anchors:
        return []
    stored = entry_hashes(conn, incident_id, {anchor.seq for anchor in anchors})
    found = (mismatch(anchor, stored) for anchor in sorted(anchors, key=lambda a: a.seq))
    return [problem for problem in found if problem]


def entry_hashes(conn: Connection, incident_id: int, seqs: Iterable[int]) -> dict[int, str]:
    wanted, found = sorted(set(seqs)), {}
    for start in range(0, len(wanted), BATCH):
        query = select(ENTRY.c.seq, ENTRY.c.hash).where(
            ENTRY.c.incident_id == incident_id, ENTRY.c.seq.in_(wanted[start : start + BATCH])
        )
        found.update({int(row.seq): str(row.hash) for row in conn.execute(query)})
    return found


class FileCheck:
    """Stored file bytes must still hash to what their entries say."""

    def __init__(self) -> None:
        self.expected: dict[str, tuple[int, str]] = {}

    def note(self, seq: int, content: str) -> None:
        """A file entry's stored files (`seq` and `content` as stored)."""
        message = json.loads(content).get("message") or {}
        for item in stored_files(message.get("files") or []):
            self.expected.setdefault(item["sha256"], (int(seq), str(item.get("name"))))

    def problems(self, conn: Connection) -> list[str]:
        found = queries.file_hashes(conn, self.expected)
        faults = []
        for digest, (seq, name) in sorted(self.expected.items(), key=lambda kv: kv[1]):
            content = found.get(digest)
            if content is None or hashlib.sha256(content).hexdigest() != digest:
                faults.append(f"seq {seq}: the stored bytes of file {name!r} do not match")
        return faults


def stored_files(files: Iterable[Any]) -> list[dict[str, Any]]:
    return [f for f in files if isinstance(f, dict) and f.get("stored") and f.get("sha256")]
