"""How long verifying and exporting a 100,000-entry legal record takes.

Seeds one incident with a realistic mix (posts, thread replies, edits, deletions, joins, files,
and approval decisions), chained exactly as the bot chains them but inserted in bulk, then times
`verify` and an export in each format (html, md, jsonl, csv) to files.

    .venv/bin/python bench/record_export_verify.py [--entries 100000] [--database URL]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from app.clock import FakeClock
from app.incidents import service as incidents
from app.incidents.models import Kind, Severity
from app.record.append import ENTRY, HEAD, build_row
from app.record.chain import GENESIS
from app.record.drafts import Draft, delete_draft, edit_draft, from_event, ts_time
from app.record.export.formats import EXPORT_FORMATS
from app.record.export.run import export_record
from app.record.models import EntryKind
from app.record.verify import verify_incident
from app.store.engine import SessionFactory, make_engine, make_session_factory
from app.store.migrate import upgrade

CHANNEL = "C0BENCH"
PEOPLE = ["U0MARIA", "U0DAVID", "U0LISA", "U0ROBERT", "U0SARAH"]
NAMES = dict(
    zip(
        PEOPLE,
        ["Maria Rodriguez", "David Kim", "Lisa Park", "Robert Chen", "Sarah Johnson"],
        strict=True,
    )
)
BATCH = 5000


def said(n: int, ts: str, **extra: Any) -> dict[str, Any]:
    user = PEOPLE[n % len(PEOPLE)]
    text = f"Update {n}: sentiment is <b>shifting</b>, see <@{PEOPLE[(n + 1) % 5]}> & the tracker"
    return {"type": "message", "channel": CHANNEL, "ts": ts, "user": user, "text": text, **extra}


def draft_for(n: int, roots: list[str]) -> Draft:
    ts = f"{1763733600 + n}.{n % 1_000_000:06d}"
    slot = n % 20
    if slot in (3, 7, 11) and roots:
        draft = from_event(said(n, ts, thread_ts=roots[-1]))
    elif slot == 5 and roots:
        original = said(n - 5, roots[-1])
        edited = {
            **original,
            "text": original["text"] + " (edited)",
            "edited": {"user": original["user"], "ts": ts},
        }
        draft = edit_draft(edited, original, CHANNEL)
    elif slot == 13 and roots:
        draft = delete_draft(roots.pop(), said(n, roots[-1] if roots else ts), CHANNEL, at=ts)
    elif slot == 17:
        draft = Draft(EntryKind.ACTION, f"audit:{n}", ts_time(ts), decision(n), user_id="U0DAVID")
    elif slot == 19:
        files = [
            {
                "id": f"F{n}",
                "name": f"screenshot-{n}.png",
                "mimetype": "image/png",
                "size": 48213,
                "user": PEOPLE[n % 5],
                "sha256": "ab" * 32,
                "stored": True,
            }
        ]
        draft = from_event(said(n, ts, subtype="file_share", files=files))
    else:
        draft = from_event(said(n, ts))
        roots.append(ts)
    assert draft is not None
    return draft.named(NAMES.get(draft.user_id or ""))


def decision(n: int) -> dict[str, Any]:
    detail = {
        "action_id": n // 100,
        "role": "legal",
        "decision": "approve",
        "revision": 1,
        "reason": None,
        "state": "approved",
        "title": f"Holding statement {n // 100}",
    }
    return {"action": "action.decide", "detail": detail, "audit_id": n}


async def seed(db: SessionFactory, count: int) -> int:
    clock = FakeClock()
    async with db.begin() as session:
        incident = await incidents.create(
            session,
            title="Benchmark: video going viral",
            severity=Severity.SEV1,
            kind=Kind.CRISIS,
            summary="",
            channel_id=CHANNEL,
            channel_name="crisis-bench",
            opened_by="U0MARIA",
            opened_at=clock.now(),
            cadence_seconds=1800,
        )
    incident_id = incident.id or 0
    roots: list[str] = []
    seq, previous = 1, await head_hash(db, incident_id)
    rows: list[dict[str, Any]] = []
    async with db.begin() as session:
        conn = await session.connection()
        for n in range(1, count):
            row = build_row(
                draft_for(n, roots),
                incident_id=incident_id,
                seq=seq + 1,
                prev=previous,
                at=clock.now(),
            )
            seq, previous = row["seq"], row["hash"]
            rows.append(row)
            if len(rows) == BATCH:
                await conn.execute(ENTRY.insert(), rows)
                rows = []
        if rows:
            await conn.execute(ENTRY.insert(), rows)
        await conn.execute(
            HEAD.update().where(HEAD.c.incident_id == incident_id).values(seq=seq, hash=previous)
        )
    return incident_id


async def head_hash(db: SessionFactory, incident_id: int) -> str:
    async with db() as session:
        conn = await session.connection()
        row = (await conn.execute(HEAD.select().where(HEAD.c.incident_id == incident_id))).first()
    return row.hash if row else GENESIS


async def main(count: int, url: str | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(url or f"sqlite:///{Path(folder) / 'bench.db'}")
        await upgrade(engine)
        db = make_session_factory(engine)
        started = time.perf_counter()
        incident_id = await seed(db, count)
        print(f"Legal record of {count:,} entries on {engine.dialect.name}")
        print(f"  seeded in          {time.perf_counter() - started:6.2f} s")
        started = time.perf_counter()
        report = await verify_incident(db, incident_id)
        assert report.intact, report.describe()
        entries = report.verdict.entries
        print(f"  verify             {time.perf_counter() - started:6.2f} s  ({entries:,} intact)")
        for fmt in EXPORT_FORMATS:
            out = Path(folder) / f"record.{fmt}"
            started = time.perf_counter()
            with out.open("w", encoding="utf-8", newline="") as handle:
                result = await export_record(db, incident_id, fmt, handle, now=FakeClock().now())
            elapsed = time.perf_counter() - started
            assert result.intact and result.entries == report.verdict.entries
            size = out.stat().st_size / 1_000_000
            print(f"  export {fmt:<5}       {elapsed:6.2f} s  ({size:,.1f} MB)")
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--database", help="a database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    asyncio.run(main(args.entries, args.database))
