"""Verifying an incident's record: the chain, its head, and the stored file bytes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from app.record import queries
from app.record.chain import GENESIS, Verdict, Walk
from app.record.models import EntryKind
from app.store.engine import SessionFactory

Progress = Callable[[int, int], None]
EVERY = 10_000


@dataclass(frozen=True)
class Report:
    incident_id: int
    verdict: Verdict
    problems: list[str] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"INC-{self.incident_id}"

    @property
    def intact(self) -> bool:
        return self.verdict.intact and not self.problems

    def describe(self) -> str:
        count, final = self.verdict.entries, self.verdict.final_hash
        if self.intact:
            return f"{self.ref}: intact, {count:,} entries, final hash {final}"
        first = self.verdict.first_break
        reason = first.describe() if first else self.problems[0]
        return f"{self.ref}: NOT intact. The first entry that does not match is {reason}"


async def verify_incident(
    db: SessionFactory, incident_id: int, *, progress: Progress | None = None
) -> Report:
    async with db() as session:
        conn = await session.connection()
        return await conn.run_sync(verify_on, incident_id, progress)


def verify_on(conn: Connection, incident_id: int, progress: Progress | None = None) -> Report:
    head = queries.head(conn, incident_id) or (0, GENESIS)
    walk, files = Walk(), FileCheck()
    for done, row in enumerate(queries.entries(conn, incident_id, upto=head[0]), start=1):
        if not walk.feed(row):
            break
        files.note(row)
        if progress and done % EVERY == 0:
            progress(done, head[0])
    verdict = walk.verdict()
    problems = head_problems(verdict, head) if verdict.intact else []
    problems += files.problems(conn) if verdict.intact else []
    return Report(incident_id, verdict, problems)


def head_problems(verdict: Verdict, head: tuple[int, str]) -> list[str]:
    """The head names the last link: entries cut from the end would show here."""
    if head == (verdict.entries, verdict.final_hash):
        return []
    return [
        f"the end of the chain (seq {verdict.entries}) is not its recorded head "
        f"(seq {head[0]}): entries are missing after seq {verdict.entries}"
    ]


class FileCheck:
    """Stored file bytes must still hash to what their entries say."""

    def __init__(self) -> None:
        self.expected: dict[str, tuple[int, str]] = {}

    def note(self, row: Mapping[str, Any]) -> None:
        if row["kind"] != EntryKind.FILE.value:
            return
        message = json.loads(row["content"]).get("message") or {}
        for item in stored_files(message.get("files") or []):
            self.expected.setdefault(item["sha256"], (int(row["seq"]), str(item.get("name"))))

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
