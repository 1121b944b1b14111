"""How long verifying and exporting a 100,000-entry legal record takes.

Seeds one incident with a realistic mix (posts, thread replies, edits, deletions, joins, files,
and approval decisions), chained exactly as the bot chains them but inserted in bulk, then times
`verify` and an export in each format (html, md, jsonl, csv) to files, beside references
measured in the same run on the same file (SQLite only, `_stdlib_refs.py`): a stdlib sqlite3 +
json + hashlib verify, the same with the canonical form built as a string, and a minimal JSONL
writer. Each figure alternates with its reference (reference, it, reference, it), so a drift in
the machine's speed moves both. Ends with issue 12's goals, each met or not.

    .venv/bin/python bench/record_export_verify.py [--entries 100000] [--database URL]
        [--rounds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _stdlib_refs import stdlib_jsonl, stdlib_verify, stdlib_verify_text

from app.clock import FakeClock
from app.incidents import service as incidents
from app.incidents.models import Kind, Severity
from app.record.append import ENTRY, HEAD, build_row, lock_head
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


async def timed(run: Callable[[], Any]) -> float:
    """One run's seconds (`run` may return an awaitable: it is awaited)."""
    started = time.perf_counter()
    done = run()
    if inspect.isawaitable(done):
        await done
    return time.perf_counter() - started


@dataclass(frozen=True)
class Figure:
    best: float  # seconds, the shortest run
    reference: float | None  # seconds, the reference's shortest run (None: none ran)
    ratio: float | None  # the median of each run over the reference run just before it


async def side_by_side(
    run: Callable[[], Any], reference: Callable[[], Any] | None, rounds: int
) -> Figure:
    """`rounds` runs of each, interleaved (reference, run, reference, run …), each run's ratio
    taken to the reference run beside it: this VM's speed drifts by a fifth within a minute."""
    runs, refs = [], []
    for _ in range(rounds):
        if reference is not None:
            refs.append(await timed(reference))
        runs.append(await timed(run))
    ratios = [mine / theirs for mine, theirs in zip(runs, refs, strict=False)]
    median = statistics.median(ratios) if ratios else None
    return Figure(min(runs), min(refs) if refs else None, median)


def show(label: str, figure: Figure, name: str, note: str) -> None:
    ratio = f"{figure.ratio:5.2f}x {name} ({figure.reference:.2f} s)" if figure.ratio else ""
    print(f"  {label:<18} {figure.best:6.2f} s  {ratio}  {note}")


def goal(label: str, figure: Figure, most: float, ratio: float) -> str:
    """Issue 12's goal for this figure: met or not (the ratio only where a reference ran)."""
    met = figure.best <= most and (figure.ratio is None or figure.ratio <= ratio)
    versus = f" and <= {ratio}x the reference" if figure.ratio else ""
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
        seeded = time.perf_counter() - started
        print(f"  seeded in          {seeded:6.2f} s; best of {rounds}; ratio: the median of each")
        print("  run over its reference run just before it (reference, it, reference, it):")
        sqlite = engine.dialect.name == "sqlite"
        verify_ref = (lambda: stdlib_verify(path, incident_id)) if sqlite else None
        jsonl_ref = (
            (lambda: stdlib_jsonl(path, incident_id, Path(folder) / "ref.jsonl"))
            if sqlite
            else None
        )
        if verify_ref is not None:
            text = await side_by_side(
                lambda: stdlib_verify_text(path, incident_id), verify_ref, rounds
            )
            show("stdlib, as text", text, "stdlib", "(canonical form as a string)")
        goals = [await time_verify(db, incident_id, count, verify_ref, rounds)]
        for fmt in EXPORT_FORMATS:
            out = Path(folder) / f"record.{fmt}"
            goals.append(await time_export(db, incident_id, fmt, out, jsonl_ref, rounds))
        print("Goals (issue 12):", *goals, sep="\n")
        await engine.dispose()


async def time_verify(
    db: SessionFactory,
    incident_id: int,
    count: int,
    reference: Callable[[], Any] | None,
    rounds: int,
) -> str:
    async def verify() -> None:
        report = await verify_incident(db, incident_id)
        assert report.intact and report.verdict.entries == count, report.describe()

    figure = await side_by_side(verify, reference, rounds)
    show("verify", figure, "stdlib sqlite3+json+hashlib", "(intact)")
    return goal("verify", figure, 0.8, 0.6)


async def time_export(
    db: SessionFactory,
    incident_id: int,
    fmt: str,
    out: Path,
    reference: Callable[[], Any] | None,
    rounds: int,
) -> str:
    async def export() -> None:
        with out.open("w", encoding="utf-8", newline="") as handle:
            result = await export_record(db, incident_id, fmt, handle, now=FakeClock().now())
        assert result.intact

    figure = await side_by_side(export, reference, rounds)
    size = f"({out.stat().st_size / 1_000_000:,.1f} MB)"
    show(f"export {fmt}", figure, "minimal JSONL writer", size)
    return goal(f"export {fmt}", figure, 3.0, 2.0)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--database", help="a database URL (default: a fresh SQLite file)")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each, the best shown")
    args = parser.parse_args()
    asyncio.run(main(args.entries, args.database, args.rounds))
