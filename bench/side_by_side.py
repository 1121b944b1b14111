"""Crisis Room beside a bare Bolt AsyncApp in the same run (issue 12): ratios, then absolutes.

Both run as subprocesses (`python -m app serve` and bench/bare_bolt.py) against one Slack
double in this process, which also sends them Slack's signed requests, many in flight.

1. Message ingest, SQLite then PostgreSQL: people talk in a war room; the same events go to
   the bot and to bare Bolt, A B A B. The bot's round ends when every event is in its
   record, bare Bolt's at its last ack. Checked: entries stored == events sent, the chain
   verifies, how many events were acked but not yet written when the last ack came, and
   that 500 redeliveries (X-Slack-Retry-Num) store nothing new.
2. Idle memory after a 10,000-event burst (SQLite bot).
3. `/crisis open` ack latency while Slack answers every call after 500 ms (bare Bolt acks,
   then calls chat.postMessage).
4. Idle CPU with 1,000 open incidents, all overdue (tick each second), beside bare Bolt's.

Benchmarks, not tests: goals are printed as met or MISSED; only a correctness check failing
makes the exit status non-zero.

    .venv/bin/python bench/side_by_side.py [--quick] [--rounds 2] [--events 3000]
        [--sqlite-only | --postgresql-only]
        [--parts ingest,rss,opens,idle]   (some parts alone, e.g. `--parts opens`)

PostgreSQL: a fresh database on CRISIS_BENCH_POSTGRES_URL's server (default the local one).
To measure another checkout of the bot (say HEAD, before a change), extract it and point
CRISIS_BENCH_BOT_ROOT at it: `git archive HEAD | tar -x -C /tmp/head`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

from _db import POSTGRES_URL, postgres_reachable
from _idle import Idle, idle_cpu
from _ingest import Ingest, Memory, Side, bot_beside, idle_rss, ingest_rounds
from _loader import percentile, start_double
from _opens import OpenAcks, open_acks
from _procs import start_bare

GOALS = {"sqlite": 45.0, "postgresql": 40.0}
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
SLACK_MAX_PER_HOUR = 30_000
PARTS = ("ingest", "rss", "opens", "idle")  # rss and opens run on the SQLite bot
PARTS_HELP = ", ".join(PARTS)


class Checks:
    """The correctness checks of the run; any one failing makes the exit status 1."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def __call__(self, ok: bool, what: str) -> str:
        if not ok:
            self.problems.append(what)
        return "ok" if ok else "WRONG"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def row(label: str, ours: str, theirs: str, ratio: str = "", goal: str = "") -> None:
    print(f"  {label:<22}{ours:>12}{theirs:>12}   {ratio:<10}{goal}")


def show_ingest(check: Checks, backend: str, run: Ingest) -> None:
    ours = statistics.median(a.rate for a, _ in run.rounds)
    theirs = statistics.median(b.rate for _, b in run.rounds)
    share = statistics.median(a.rate / b.rate for a, b in run.rounds) * 100
    goal = GOALS[backend]
    row("", "bot", "bare Bolt", "ratio", "goal")
    met = f">= {goal:.0f} %: {verdict(share >= goal)}"
    row("events/s (median)", f"{ours:,.0f}", f"{theirs:,.0f}", f"{share:.1f} %", met)
    cpu_a = statistics.median(a.cpu_ms for a, _ in run.rounds)
    cpu_b = statistics.median(b.cpu_ms for _, b in run.rounds)
    met = f"bot <= 0.45 ms: {verdict(cpu_a <= 0.45)}"
    ratio = statistics.median(a.cpu_ms / b.cpu_ms for a, b in run.rounds)
    row("CPU per event", f"{cpu_a:.3f} ms", f"{cpu_b:.3f} ms", f"{ratio:.2f}x", met)
    cores_a = statistics.median(a.cores for a, _ in run.rounds)
    cores_b = statistics.median(b.cores for _, b in run.rounds)
    row("machine busy", f"{cores_a:.2f} cores", f"{cores_b:.2f} cores", f"of {os.cpu_count()}")
    print("  (loader, app and database server together, from /proc/stat)")
    acks_a = [ms for a, _ in run.rounds for ms in a.acks]
    acks_b = [ms for _, b in run.rounds for ms in b.acks]
    p50_a, p50_b = statistics.median(acks_a), statistics.median(acks_b)
    row("ack p50", f"{p50_a:.1f} ms", f"{p50_b:.1f} ms", f"{p50_a / p50_b:.2f}x")
    p99_a, p99_b = percentile(acks_a, 0.99), percentile(acks_b, 0.99)
    unwritten = max(a.unwritten for a, _ in run.rounds)
    met = f"bot <= 100 ms, committed: {verdict(p99_a <= 100 and unwritten == 0)}"
    row("ack p99", f"{p99_a:.1f} ms", f"{p99_b:.1f} ms", f"{p99_a / p99_b:.2f}x", met)
    met = f"must be 0: {verdict(unwritten == 0)}"
    row("acked, not written", f"{unwritten:,}", "", "", met)
    print("  (events acked minus entries stored when the last ack came; worst round)")
    hourly = ours * 3600
    print(f"  bot: {hourly:,.0f} events/hour = {hourly / SLACK_MAX_PER_HOUR:,.0f}x ", end="")
    print("Slack's maximum (30,000 events/hour a workspace)")
    show_record(check, backend, run)


def show_record(check: Checks, backend: str, run: Ingest) -> None:
    stored = check(run.stored == run.sent, f"{backend}: {run.stored} entries for {run.sent}")
    print(f"  record: {run.stored:,} new entries for {run.sent:,} events sent: {stored}")
    intact = check(run.report.intact, f"{backend}: {run.report.describe()}")
    print(f"  chain: {run.report.describe()}: {intact}")
    once = check(run.duplicates == 0, f"{backend}: redeliveries made {run.duplicates} entries")
    again = f"{run.redelivered} redeliveries (X-Slack-Retry-Num)"
    print(f"  {again}: {run.duplicates} new entries: {once}")


def show_memory(check: Checks, memory: Memory, start: tuple[float, float]) -> None:
    print(f"\nIdle RSS after a {memory.events:,}-event burst (SQLite bot)")
    row("", "bot", "bare Bolt", "ratio", "goal")
    row("RSS at start", f"{start[0]:.1f} MB", f"{start[1]:.1f} MB", f"{start[0] / start[1]:.2f}x")
    ratio = f"{memory.bot_mb / memory.bare_mb:.2f}x"
    goal = f"bot <= 100 MB: {verdict(memory.bot_mb <= 100)}"
    row("RSS idle after", f"{memory.bot_mb:.1f} MB", f"{memory.bare_mb:.1f} MB", ratio, goal)
    stored = check(memory.stored == memory.events, f"rss burst: {memory.stored} entries")
    print(f"  record: {memory.stored:,} new entries for {memory.events:,} events: {stored}")


def show_acks(check: Checks, acks: OpenAcks) -> None:
    print(f"\n/crisis open acks, Slack answering each call after {acks.latency * 1000:.0f} ms")
    print(f"  {len(acks.bot)} to each, one at a time, A B A B; bare Bolt acks then posts")
    row("", "bot", "bare Bolt", "ratio", "goal")
    p50_a, p50_b = statistics.median(acks.bot), statistics.median(acks.bare)
    row("ack p50", f"{p50_a:.1f} ms", f"{p50_b:.1f} ms", f"{p50_a / p50_b:.2f}x")
    p99_a, p99_b = percentile(acks.bot, 0.99), percentile(acks.bare, 0.99)
    ratio = p99_a / p99_b
    goal = f"<= 1.3x: {verdict(ratio <= 1.3)}"
    row("ack p99", f"{p99_a:.1f} ms", f"{p99_b:.1f} ms", f"{ratio:.2f}x", goal)
    max_a, max_b = max(acks.bot), max(acks.bare)
    row("ack max", f"{max_a:.1f} ms", f"{max_b:.1f} ms", f"{max_a / max_b:.2f}x")
    opened = check(acks.opened == len(acks.bot), f"opened {acks.opened} of {len(acks.bot)}")
    replied = check(acks.replied == len(acks.bare), f"bare replied {acks.replied}")
    print(f"  incidents opened: {acks.opened} of {len(acks.bot)}: {opened}; ", end="")
    print(f"bare Bolt posts: {acks.replied} of {len(acks.bare)}: {replied}")


def show_idle(check: Checks, idle: Idle) -> None:
    print(f"\nIdle CPU with {idle.incidents:,} open overdue incidents, tick each second")
    nudged = check(idle.nudged == idle.incidents, f"nudged {idle.nudged} of {idle.incidents}")
    print(f"  catch-up: {idle.nudged:,} nudges in {idle.catch_up:.1f} s: {nudged}; ", end="")
    print(f"quiet (no Slack call for 3 s) after {idle.settled:.1f} s")
    row("", "bot", "bare Bolt", "", "goal")
    bot, bare = f"{idle.bot_percent:.2f} %", f"{idle.bare_percent:.2f} %"
    row(
        f"CPU over {idle.seconds:.0f} s",
        bot,
        bare,
        "",
        f"bot <= 3 %: {verdict(idle.bot_percent <= 3)}",
    )


async def main(args: argparse.Namespace) -> int:
    print(f"machine: {platform.node()} {platform.machine()}, {platform.python_version()}")
    print(f"both apps are subprocesses; {args.in_flight} events in flight; ratio = bot / bare")
    print("ratios of rounds are the median of each round's bot / bare (the pairs ran together)")
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    check = Checks()
    double, general = await start_double()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        bare = await start_bare(double.api_url, double.token, folder)
        try:
            for backend in backends(args.parts, args.sqlite_only, args.postgresql_only):
                async with bot_beside(double, general, bare, backend, folder) as side:
                    await on_backend(check, side, backend, args)
            if "idle" in args.parts:
                idle = await idle_cpu(double, bare, folder, args.incidents, args.idle_seconds)
                show_idle(check, idle)
        finally:
            await bare.stop()
            await double.stop()
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f}")
    for problem in check.problems:
        print(f"WRONG: {problem}", file=sys.stderr)
    return 1 if check.problems else 0


async def on_backend(check: Checks, side: Side, backend: str, args: argparse.Namespace) -> None:
    if "ingest" in args.parts:
        print(f"\nMessage ingest, 1 process, {NAMES[backend]}, every event archived and chained")
        print(f"  {args.rounds} rounds of {args.events:,} events each (A B A B)")
        run = await ingest_rounds(side, args.rounds, args.events, args.in_flight)
        show_ingest(check, backend, run)
    if backend == "sqlite" and "rss" in args.parts:
        memory = await idle_rss(side, args.rss_events, args.in_flight, rest=3)
        show_memory(check, memory, side.start_rss)
    if backend == "sqlite" and "opens" in args.parts:
        show_acks(check, await open_acks(side, args.opens, args.rounds, args.latency))


def backends(parts: set[str], sqlite_only: bool, postgresql_only: bool) -> list[str]:
    """Where the bot stores: SQLite for every part; PostgreSQL too for ingest, if it answers
    (PostgreSQL alone: its ingest only)."""
    if not parts & {"ingest", "rss", "opens"}:
        return []
    if sqlite_only or "ingest" not in parts:
        return ["sqlite"]
    if not postgres_reachable():
        print(f"\nPostgreSQL: nothing answers at {POSTGRES_URL}; its run is skipped")
        return [] if postgresql_only else ["sqlite"]
    return ["postgresql"] if postgresql_only else ["sqlite", "postgresql"]


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs, about a minute")
    parser.add_argument("--rounds", type=int, default=2, help="A B rounds (default 2)")
    parser.add_argument("--events", type=int, help="events a round (3000; quick 1000)")
    parser.add_argument("--in-flight", type=int, default=32)
    parser.add_argument("--rss-events", type=int, help="the burst before RSS (10000; 3000)")
    parser.add_argument("--opens", type=int, help="/crisis open to each (300; quick 60)")
    parser.add_argument("--latency", type=float, default=0.5, help="Slack's, for the opens")
    parser.add_argument("--incidents", type=int, default=1000)
    parser.add_argument("--idle-seconds", type=float, help="idle CPU window (10; quick 5)")
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    only.add_argument(
        "--postgresql-only", action="store_true", help="ingest on PostgreSQL alone (no rss, opens)"
    )
    parser.add_argument("--parts", default=",".join(PARTS), help=f"some of {PARTS_HELP}")
    args = parser.parse_args()
    args.parts = set(args.parts.split(","))
    if not args.parts <= set(PARTS):
        parser.error(f"--parts: choose among {PARTS_HELP}")
    quick = args.quick
    args.events = args.events or (1000 if quick else 3000)
    args.rss_events = args.rss_events or (3000 if quick else 10_000)
    args.opens = args.opens or (60 if quick else 300)
    args.idle_seconds = args.idle_seconds or (5.0 if quick else 10.0)
    return args


if __name__ == "__main__":
    sys.exit(asyncio.run(main(options())))
