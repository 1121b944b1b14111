"""The chaos run (issue 13): 3 replicas on PostgreSQL under kills, a cut and Slack faults.

Three `crisisroom serve` replicas share a fresh PostgreSQL database, reached through a TCP
door the bench can shut, and sit behind a round-robin balancer (the next replica when one
refuses the connection). The Slack double runs in this process; every event the app is
subscribed to goes through the balancer with Slack's retries (bench/_chaos_stream.py).
Three war rooms are opened (one from the form), their cadence set to a few seconds, actions
proposed. Then, for the measured phase: people talk (posts, replies, edits), the lead posts
an update to each room every few seconds, the legal and exec approvers approve each action
at the same moment on two different replicas, one replica is killed (-9) and restarted, the
database is cut, and Slack answers chat.update / chat.postMessage with 429, 5xx, a late
answer and a dropped connection (bench/_chaos_run.py). After a bounded settle the bench
counts what must be 0: lost events, duplicates, stale card copies, late reminders
(definitions in bench/_chaos_audit.py and bench/_chaos_reminders.py), and how long each
fault took to recover from. Exit status 1 when any of the four is not 0.

    .venv/bin/python bench/chaos.py [--quick] [--settle 60] [--retry-delays 0,1,5]

Not part of `make test` (`make chaos`, `make chaos ARGS=--quick`). The PostgreSQL server is
CRISIS_BENCH_POSTGRES_URL's (default the local one); the database is dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from _chaos_audit import (
    card_duplicates,
    card_messages,
    decided,
    lost_events,
    record_duplicates,
    stale_copies,
)
from _chaos_cluster import Cluster
from _chaos_people import people
from _chaos_reminders import collect, judge, periods, start_dues
from _chaos_report import Figures, answers_over_time, recovery, show
from _chaos_run import Marks, Plan, phase, set_up
from _chaos_stream import CallClock, Deliveries
from _db import POSTGRES_URL, Store, fresh_database, postgres_reachable
from _loader import start_double
from sqlmodel import select

from app.record.models import RecordEntry

SLACK_ALLOWANCE = 2.0  # seconds beyond a tick for a reminder pass and its Slack call


def plan_of(args: argparse.Namespace) -> Plan:
    seconds = args.seconds
    cut_for = 10.0
    faults_for = 6.0 if args.quick else 10.0
    return Plan(
        seconds=seconds,
        events=args.events,
        proposals=2 if args.quick else 4,
        cadence=args.cadence,
        update_every=args.update_every,
        kill_at=0.12 * seconds,
        down_for=3.0 if args.quick else 5.0,
        cut_at=0.57 * seconds,  # last: what a cut leaves behind can hide the Slack faults
        cut_for=cut_for,
        faults_at=0.3 * seconds,
        faults_for=faults_for,
    )


async def main(args: argparse.Namespace) -> int:
    if not postgres_reachable():
        print(f"PostgreSQL: nothing answers at {POSTGRES_URL}", file=sys.stderr)
        return 2
    plan = plan_of(args)
    began = time.monotonic()
    print(f"chaos: 3 replicas, {plan.events:,} events over {plan.seconds:.0f} s, cadence ", end="")
    print(f"{plan.cadence} s, tick {args.tick:g} s; load {os.getloadavg()[0]:.2f}")
    double, general = await start_double()
    deliveries = Deliveries(double, "", args.retry_delays)
    clock = CallClock(double)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        async with fresh_database("postgresql", folder) as url:
            cluster = Cluster(double, url, folder, args.tick)
            store = Store(url)
            try:
                figures = await run(args, plan, cluster, deliveries, clock, store, general)
            finally:
                await deliveries.stop()
                await clock.stop()
                await cluster.stop()
                await store.close()
                await double.stop()
            if args.keep_logs:
                keep_logs(cluster, Path(args.keep_logs))
    figures.minutes = (time.monotonic() - began) / 60
    return show(figures)


async def run(
    args: argparse.Namespace,
    plan: Plan,
    cluster: Cluster,
    deliveries: Deliveries,
    clock: CallClock,
    store: Store,
    general: str,
) -> Figures:
    double = cluster.double
    started = await cluster.start()
    deliveries.url = cluster.proxy.url
    await deliveries.start()
    clock.start()
    crowd = people(double, general, cluster.proxy.url, cluster.urls())
    marks = Marks()
    try:
        marks.rooms = await set_up(crowd, store, plan)
        dues = await start_dues(store.db, list(marks.rooms))
        print(f"set up: {len(marks.rooms)} war rooms; measured phase of {plan.seconds:.0f} s")
        await phase(crowd, cluster, double, store, plan, marks)
        print(f"phase done; settling (at most {args.settle:.0f} s)")
        settled = await settle(args, deliveries, store, marks.consequences + args.tick + 2)
    finally:
        await crowd.close()
    figures = Figures(started=started, marks=marks, plan=plan, people=crowd, settled=settled)
    figures.lost = await lost_events(store.db, deliveries.all, double.bot_user_id)
    figures.record_duplicates = await record_duplicates(store.db)
    cards = card_messages(double)
    figures.card_duplicates = card_duplicates(cards)
    figures.stale = await stale_copies(store.db, cards)
    figures.actions = await decided(store.db)
    found = await periods(store.db, dues, marks.phase_start, time.time())
    collect(double, marks.rooms, found)
    allowance = args.tick + SLACK_ALLOWANCE
    figures.reminders = judge(found, marks.windows, allowance, plan.cadence, marks.phase_start)
    figures.recovery = recovery(marks, deliveries.all, double, clock, await first_writes(store))
    figures.died = cluster.died()
    figures.restart_exits = cluster.restart_exits
    figures.deliveries = len(deliveries.all)
    figures.statuses = Counter(str(s) for d in deliveries.all for _, s in d.attempts)
    figures.timeline = answers_over_time(deliveries.all, marks.phase_start)
    figures.faulted = Counter(f"{c.method} {c.fault}" for c in double.calls if c.fault)
    return figures


async def settle(
    args: argparse.Namespace, deliveries: Deliveries, store: Store, not_before: float
) -> float:
    """Until deliveries are done and nothing is lost or stale, at most `--settle` seconds,
    and not before `not_before` (time.time(): what a late answer causes has happened);
    returns the seconds it took (the bound when it never got there)."""
    began = time.monotonic()
    await deliveries.drain(args.settle)
    await asyncio.sleep(max(0.0, min(not_before - time.time(), args.settle)))
    while time.monotonic() - began < args.settle:
        lost = await lost_events(store.db, deliveries.all, deliveries.double.bot_user_id)
        stale = await stale_copies(store.db, card_messages(deliveries.double))
        if lost.total == 0 and not stale and lost.in_flight == 0:
            break
        await asyncio.sleep(2.0)
    return time.monotonic() - began


async def first_writes(store: Store) -> list[float]:
    """When record entries were written (time.time()), for the database cut's recovery."""
    async with store.db() as session:
        rows = (await session.exec(select(RecordEntry.recorded_at))).all()
    return sorted(row.timestamp() for row in rows)


def keep_logs(cluster: Cluster, where: Path) -> None:
    where.mkdir(parents=True, exist_ok=True)
    for log in cluster.logs():
        (where / log.name).write_bytes(log.read_bytes())
    print(f"replica logs kept in {where}")


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a ~30 s phase, shorter faults")
    parser.add_argument("--seconds", type=float, help="measured phase (60; quick 30)")
    parser.add_argument("--events", type=int, help="things people say (2000; quick 600)")
    parser.add_argument("--settle", type=float, help="bound on the settle (60; quick 45)")
    parser.add_argument("--tick", type=float, default=1.0, help="CRISIS_TICK_SECONDS")
    parser.add_argument("--cadence", type=int, default=3, help="update cadence, seconds")
    parser.add_argument("--update-every", type=float, default=12.0, help="seconds a room")
    parser.add_argument(
        "--retry-delays",
        default="0,1,5",
        help="Slack's event retries (immediately, 1 min, 5 min) scaled; default 1:60",
    )
    parser.add_argument("--keep-logs", help="copy the replicas' logs to this folder")
    args = parser.parse_args()
    args.seconds = args.seconds or (30.0 if args.quick else 60.0)
    args.events = args.events or (600 if args.quick else 2000)
    args.settle = args.settle or (45.0 if args.quick else 60.0)
    args.retry_delays = [float(d) for d in args.retry_delays.split(",") if d.strip()]
    return args


if __name__ == "__main__":
    sys.exit(asyncio.run(main(options())))
