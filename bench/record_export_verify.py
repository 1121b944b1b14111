"""How long verifying and exporting a 100,000-entry legal record takes.

Seeds one incident with a realistic mix (posts, thread replies, edits, deletions, joins, files,
and approval decisions), chained exactly as the bot chains them but inserted in bulk, then times
`verify` and an export in each format (html, md, jsonl, csv) to files, beside references
measured in the same run on the same file (SQLite only): a stdlib sqlite3 + json + hashlib
verify, the same with the canonical form built as a string, and a minimal JSONL writer. Ends
with issue 12's goals, each met or not.

    .venv/bin/python bench/record_export_verify.py [--entries 100000] [--database URL]
        [--rounds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import inspect
import json
import platform
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

from app.clock import FakeClock
from app.incidents import service as incidents
from app.incidents.models import Kind, Severity
from app.record.append import ENTRY, HEAD, build_row, lock_head
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
    rows: list[dict[str, Any]] = []
    async with db.begin() as session:
        conn = await session.connection()
        seq, previous = await conn.run_sync(lock_head, incident_id)
        for n in range(1, count - seq + 1):
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


async def best(run: Callable[[], Any], rounds: int = 2) -> float:
    """The shortest of `rounds` runs (`run` may return an awaitable: it is awaited)."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        done = run()
        if inspect.isawaitable(done):
            await done
        times.append(time.perf_counter() - started)
    return min(times)


def show(label: str, seconds: float, reference: float | None, name: str, note: str) -> None:
    ratio = f"{seconds / reference:5.2f}x {name} ({reference:.2f} s)" if reference else ""
    print(f"  {label:<18} {seconds:6.2f} s  {ratio}  {note}")


def goal(label: str, seconds: float, most: float, reference: float | None, ratio: float) -> str:
    """Issue 12's goal for this figure: met or not (the ratio only where a reference ran)."""
    met = seconds <= most and (reference is None or seconds <= ratio * reference)
    versus = f" and <= {ratio}x the reference" if reference else ""
    return f"  {'met' if met else 'NOT MET':<8} {label}: <= {most} s{versus}"


async def main(count: int, url: str | None, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        engine = make_engine(url or f"sqlite:///{path}")
        await upgrade(engine)
        db = make_session_factory(engine)
        started = time.perf_counter()
        incident_id = await seed(db, count)
        print(f"Legal record of {count:,} entries on {engine.dialect.name} ({platform.node()})")
        print(f"  seeded in          {time.perf_counter() - started:6.2f} s; best of {rounds}:")
        sqlite = engine.dialect.name == "sqlite"
        refs = await references(path, incident_id, Path(folder)) if sqlite else {}
        goals = [await time_verify(db, incident_id, count, refs, rounds)]
        for fmt in EXPORT_FORMATS:
            out = Path(folder) / f"record.{fmt}"
            goals.append(await time_export(db, incident_id, fmt, out, refs, rounds))
        print("Goals (issue 12):", *goals, sep="\n")
        await engine.dispose()


async def references(path: Path, incident_id: int, folder: Path) -> dict[str, float]:
    refs = {
        "verify": await best(lambda: stdlib_verify(path, incident_id)),
        "text": await best(lambda: stdlib_verify_text(path, incident_id)),
        "jsonl": await best(lambda: stdlib_jsonl(path, incident_id, folder / "ref.jsonl")),
    }
    show("stdlib, as text", refs["text"], refs["verify"], "stdlib", "(canonical form as a string)")
    return refs


async def time_verify(
    db: SessionFactory, incident_id: int, count: int, refs: dict[str, float], rounds: int
) -> str:
    async def verify() -> None:
        report = await verify_incident(db, incident_id)
        assert report.intact and report.verdict.entries == count, report.describe()

    elapsed = await best(verify, rounds)
    show("verify", elapsed, refs.get("verify"), "stdlib sqlite3+json+hashlib", "(intact)")
    return goal("verify", elapsed, 0.8, refs.get("verify"), 0.6)


async def time_export(
    db: SessionFactory, incident_id: int, fmt: str, out: Path, refs: dict[str, float], rounds: int
) -> str:
    async def export() -> None:
        with out.open("w", encoding="utf-8", newline="") as handle:
            result = await export_record(db, incident_id, fmt, handle, now=FakeClock().now())
        assert result.intact

    elapsed = await best(export, rounds)
    size = f"({out.stat().st_size / 1_000_000:,.1f} MB)"
    show(f"export {fmt}", elapsed, refs.get("jsonl"), "minimal JSONL writer", size)
    return goal(f"export {fmt}", elapsed, 3.0, refs.get("jsonl"), 2.0)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--database", help="a database URL (default: a fresh SQLite file)")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each, the best shown")
    args = parser.parse_args()
    asyncio.run(main(args.entries, args.database, args.rounds))
