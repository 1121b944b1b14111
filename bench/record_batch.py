"""One group-commit batch of the message writer: in a transaction beside in one statement.

A batch holds the replay marks of the requests arriving and the record entries of the events
before them. Written the usual way it is a transaction: BEGIN, the marks' insert, then
`append_all` (app/record/batch.py: per incident, lock the chain head, read the batch's stored
dedupe keys, insert the entries, move the head), COMMIT. On PostgreSQL the app's writer sends it
instead as one statement outside a transaction, chained on the heads it remembers
(app/flows/one_statement.py). This times both on the same fresh database, in alternating rounds
(A B A B), each round `--batches` batches of `--size` events (a mark and an entry each) to one
incident, every batch through a real GroupCommit writer. Printed per batch: wall time, this
process's CPU, statements sent (BEGIN and COMMIT not counted). SQLite writes every batch in one
call on its own connection (no round trips to save): it is shown as a control, the two columns
should match.

    .venv/bin/python bench/record_batch.py [--batches 300] [--size 20] [--rounds 2]
        [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _db import fresh_database, postgres_reachable
from sqlalchemy import event

from app.clock import FakeClock
from app.flows.one_statement import attach
from app.incidents import service as incidents
from app.incidents.models import Kind, Severity
from app.record.batch import Pending
from app.record.drafts import from_event
from app.record.remembered import RememberedHeads
from app.requests.replay import insert_new
from app.store.engine import SessionFactory, make_engine, make_session_factory, make_writer_thread
from app.store.group_commit import GroupCommit
from app.store.migrate_child import migrate

Write = Callable[..., Any]
SEEN_AT = datetime(2026, 12, 2, tzinfo=UTC)


@dataclass
class Timing:
    wall_ms: list[float]
    cpu_ms: list[float]
    statements: list[float]


async def incident_in(db: SessionFactory, clock: FakeClock) -> int:
    async with db.begin() as session:
        incident = await incidents.create(
            session,
            title="Bench",
            severity=Severity.SEV2,
            kind=Kind.CRISIS,
            summary="",
            channel_id="C0BENCH",
            channel_name="crisis-bench",
            opened_by="U0BENCH",
            opened_at=clock.now(),
            cadence_seconds=1800,
        )
    assert incident.id is not None
    return incident.id


def pending(incident_id: int, n: int, clock: FakeClock) -> Pending:
    event_ = {"type": "message", "channel": "C0BENCH", "ts": f"1700000000.{n:06d}"}
    draft = from_event({**event_, "user": "U0BENCH", "text": f"line {n} of the bench"})
    assert draft is not None
    return Pending(draft, incident_id, recorded_at=clock.now())


def mark(n: int) -> dict[str, Any]:
    return {"signature_sha256": f"{n:064x}", "signed_at": 1_700_000_000 + n, "seen_at": SEEN_AT}


async def one_round(
    writer: GroupCommit, write: Write, incident: int, first: int, args: argparse.Namespace
) -> tuple[float, float]:
    clock = FakeClock()
    wall, cpu = time.perf_counter(), time.process_time()
    for batch in range(args.batches):
        start = first + batch * args.size
        jobs = []
        for n in range(start, start + args.size):
            jobs += [
                writer.submit(insert_new, mark(n)),
                writer.submit(write, pending(incident, n, clock)),
            ]
        await asyncio.gather(*jobs)
    return time.perf_counter() - wall, time.process_time() - cpu


async def measure(url: str, args: argparse.Namespace) -> dict[str, Timing]:
    engine = make_engine(url)
    await migrate(engine, apart=False)
    db = make_session_factory(engine)
    handoff = make_writer_thread(engine)  # (SQLite: the writer's own connection)
    sent = [0]
    counted = handoff.engine if handoff is not None else engine.sync_engine
    event.listen(counted, "before_cursor_execute", lambda *_: _count(sent))
    incident = await incident_in(db, FakeClock())
    heads = RememberedHeads()
    writers = {name: GroupCommit(engine, turn=db.turns, handoff=handoff, linger=0) for name in WAYS}
    attach(writers["one statement"], heads)
    timings = {name: Timing([], [], []) for name in WAYS}
    await writers["one statement"].submit(heads.append_all, pending(incident, 0, FakeClock()))
    first = 1
    for _ in range(args.rounds):
        for name, writer in writers.items():
            before, batches = sent[0], writer.batches
            wall, cpu = await one_round(writer, heads.append_all, incident, first, args)
            first += args.batches * args.size
            done = writer.batches - batches
            timings[name].wall_ms.append(wall * 1000 / done)
            timings[name].cpu_ms.append(cpu * 1000 / done)
            timings[name].statements.append((sent[0] - before) / done)
    for writer in writers.values():
        await writer.close()
    await engine.dispose()
    return timings


WAYS = ("transaction", "one statement")


def _count(sent: list[int]) -> None:
    sent[0] += 1


def report(backend: str, timings: dict[str, Timing], args: argparse.Namespace) -> None:
    batches = f"{args.batches} batches of {args.size} marks and {args.size} entries"
    print(f"\n{backend}: {args.rounds} rounds of {batches}")
    old_way, new_way = WAYS
    print(f"  {'per batch (median of rounds)':30} {old_way:>12} {new_way:>14} {'ratio':>7}")
    for label, pick in (("wall ms", "wall_ms"), ("CPU ms", "cpu_ms"), ("statements", "statements")):
        old = statistics.median(getattr(timings[old_way], pick))
        new = statistics.median(getattr(timings[new_way], pick))
        print(f"  {label:30} {old:12.2f} {new:14.2f} {new / old:6.2f}x")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batches", type=int, default=300)
    parser.add_argument("--size", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--backend", default="both", choices=("sqlite", "postgresql", "both"))
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not postgres_reachable():
        print("PostgreSQL is not reachable: skipped")
        backends.remove("postgresql")
    with tempfile.TemporaryDirectory() as folder:
        for backend in backends:
            async with fresh_database(backend, Path(folder)) as url:
                report(backend, await measure(url, args), args)


if __name__ == "__main__":
    asyncio.run(main())
