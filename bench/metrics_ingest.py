"""Metric points pouring in (issue 15): 10,000 points a minute across 100 incidents through
`POST /hooks/metrics`, and what that does to the ack latency of Slack's message events.

The bot runs as a subprocess (`python -m app serve`, CRISIS_METRICS_SECRET set) against a
Slack double in this process, which also sends it both loads at a steady pace:

- message events into one war room (people talking; each stored in the legal record before
  its ack), `--events-per-second`, the whole time;
- signed hook batches (`--batch` points, one incident each, round-robin over `--incidents`)
  at `--per-minute` points a minute, during the loaded phase only.

Each round is a quiet phase (messages alone) then a loaded one (messages and metrics), each
`--seconds` long, so the ack latencies side by side come from the same bot in the same run.
Checked: every hook answer is 200, points stored == points sent, one record entry per point,
every message event in the record. A check failing makes the exit status 1; goals are printed
as met or MISSED.

    .venv/bin/python bench/metrics_ingest.py [--seconds 60] [--rounds 1]
        [--sqlite-only | --backend sqlite|postgresql] [--per-minute 10000] [--incidents 100]
        [--batch 10] [--events-per-second 20]
        [--tick-seconds 1]   (0: no scheduler ticks, so no metric-alert passes: the hook alone)

PostgreSQL: a fresh database on CRISIS_BENCH_POSTGRES_URL's server (default the local one).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from _db import POSTGRES_URL, postgres_reachable
from _loader import event_request, percentile, start_double
from _metrics_load import HookLoad, Timed, hook_load, message_acks
from _metrics_room import METRICS_SECRET, Room, metrics_bot
from _procs import until_idle

NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
ACK_P99_GOAL_MS = 100.0  # issue 12's goal for message acks, write committed
RATIO_GOAL = 1.5  # "without raising ack latency": p99 loaded / quiet, same run
WARMUP_SECONDS = 3.0


@dataclass
class Phase:
    acks: Timed
    cpu: float  # the bot's CPU seconds during the phase
    hook: HookLoad | None = None


@dataclass
class Run:
    quiet: list[Phase] = field(default_factory=list)
    loaded: list[Phase] = field(default_factory=list)
    events: int = 0
    points_sent: int = 0
    points_stored: int = 0
    point_entries: int = 0
    unrecorded: int = 0  # message events acked but missing from the record afterwards


class Checks:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def __call__(self, ok: bool, what: str) -> str:
        if not ok:
            self.problems.append(what)
        return "ok" if ok else "WRONG"


async def phase(
    room: Room, args: argparse.Namespace, http: aiohttp.ClientSession, tag: str, *, load: bool
) -> Phase:
    """Message events for `args.seconds` (with the metrics load alongside when `load`)."""
    heard = await room.talk(round(args.events_per_second * args.seconds))
    requests = [event_request(room.driver, e, f"Ev{tag}{n:07d}") for n, e in enumerate(heard)]
    before, cpu = await room.store.stored(room.talk_incident), room.bot.cpu()
    talking = message_acks(room.bot.events_url, requests, args.events_per_second, http)
    hook = None
    if load:
        feeding = hook_load(
            room.hook_url,
            room.fed,
            per_minute=args.per_minute,
            seconds=args.seconds,
            size=args.batch,
            secret=METRICS_SECRET,
            http=http,
        )
        acks, hook = await asyncio.gather(talking, feeding)
    else:
        acks = await talking
    used = room.bot.cpu() - cpu
    await room.store.until_stored(room.talk_incident, before + len(heard), timeout=120)
    await until_idle(room.bot)
    return Phase(acks, used, hook)


async def measure(room: Room, args: argparse.Namespace) -> Run:
    run = Run()
    connector = aiohttp.TCPConnector(limit=512)
    async with aiohttp.ClientSession(connector=connector) as http:
        warm = argparse.Namespace(**{**vars(args), "seconds": WARMUP_SECONDS})
        await phase(room, warm, http, "WARM", load=True)  # imports, pools, caches
        first_points, first_entries = await room.points(), await room.point_entries()
        for n in range(args.rounds):
            run.quiet.append(await phase(room, args, http, f"Q{n}R", load=False))
            run.loaded.append(await phase(room, args, http, f"L{n}R", load=True))
            print(f"  round {n + 1}: {brief(run.quiet[-1])} quiet, {brief(run.loaded[-1])} loaded")
    run.events = sum(len(p.acks.ms) for p in run.quiet + run.loaded)
    run.points_sent = sum(p.hook.points for p in run.loaded if p.hook)
    run.points_stored = await room.points() - first_points
    run.point_entries = await room.point_entries() - first_entries
    return run


def brief(part: Phase) -> str:
    return f"ack p99 {percentile(part.acks.ms, 0.99):.1f} ms"


def row(label: str, quiet: str, loaded: str, ratio: str = "", goal: str = "") -> None:
    print(f"  {label:<24}{quiet:>12}{loaded:>16}   {ratio:<8}{goal}")


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def show(check: Checks, backend: str, run: Run, args: argparse.Namespace) -> None:
    quiet = [ms for p in run.quiet for ms in p.acks.ms]
    loaded = [ms for p in run.loaded for ms in p.acks.ms]
    row("", "quiet", "with metrics", "ratio", "goal")
    p50_q, p50_l = statistics.median(quiet), statistics.median(loaded)
    row("message ack p50", f"{p50_q:.1f} ms", f"{p50_l:.1f} ms", f"{p50_l / p50_q:.2f}x")
    p99_q, p99_l = percentile(quiet, 0.99), percentile(loaded, 0.99)
    ok = p99_l <= ACK_P99_GOAL_MS and p99_l / p99_q <= RATIO_GOAL
    goal = f"<= {ACK_P99_GOAL_MS:.0f} ms and <= {RATIO_GOAL}x: {verdict(ok)}"
    row("message ack p99", f"{p99_q:.1f} ms", f"{p99_l:.1f} ms", f"{p99_l / p99_q:.2f}x", goal)
    row("message ack max", f"{max(quiet):.1f} ms", f"{max(loaded):.1f} ms")
    cpu_q = sum(p.cpu for p in run.quiet) / sum(p.acks.seconds for p in run.quiet) * 100
    cpu_l = sum(p.cpu for p in run.loaded) / sum(p.acks.seconds for p in run.loaded) * 100
    row("bot CPU", f"{cpu_q:.0f} %", f"{cpu_l:.0f} %", "", "of one core")
    hooks = [p.hook for p in run.loaded if p.hook]
    answers = [ms for h in hooks for ms in h.timed.ms]
    seconds = sum(h.timed.seconds for h in hooks)
    rate = run.points_stored / seconds
    goal = f">= {args.per_minute / 60:,.0f}/s: {verdict(rate >= args.per_minute / 60 * 0.98)}"
    row("points stored/s", "", f"{rate:,.0f}", "", goal)
    hook_p50, hook_p99 = statistics.median(answers), percentile(answers, 0.99)
    row("hook answer p50 / p99", "", f"{hook_p50:.1f} / {hook_p99:.1f} ms")
    refused, shed = sum(h.timed.refused for h in hooks), sum(h.timed.shed for h in hooks)
    ok = check(refused == 0, f"{backend}: {refused} hook requests refused")
    print(f"  hook requests: {len(answers):,}, answered 503 busy {shed:,}, refused {refused}: {ok}")
    same = check(run.points_stored == run.points_sent, f"{backend}: {run.points_stored} stored")
    print(f"  points: {run.points_stored:,} stored of {run.points_sent:,} taken (200): {same}")
    entries = check(run.point_entries == run.points_stored, f"{backend}: point entries")
    print(f"  record entries for points: {run.point_entries:,}: {entries}")
    acked = check(all(s == 200 for p in run.quiet + run.loaded for s in p.acks.statuses), "acks")
    print(f"  message events: {run.events:,}, every one acked 200 and in the record: {acked}")


async def main(args: argparse.Namespace) -> int:
    print(f"machine: {platform.node()} {platform.machine()}, {platform.python_version()}")
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(
        f"message events: {args.events_per_second:g}/s into one war room; metrics: "
        f"{args.per_minute:,} points/min in batches of {args.batch} across {args.incidents} "
        f"incidents; phases of {args.seconds:g} s, quiet then loaded, {args.rounds} round(s); "
        f"the bot ticks every {args.tick_seconds:g} s (reminders, metric alerts; 0: never)"
    )
    check = Checks()
    double, general = await start_double()
    try:
        with tempfile.TemporaryDirectory() as name:
            for backend in backends(args):
                print(f"\n{NAMES[backend]}, 1 process")
                folder, tick = Path(name), f"{args.tick_seconds:g}"
                async with metrics_bot(
                    double, general, backend, folder, args.incidents, tick_seconds=tick
                ) as room:
                    show(check, backend, await measure(room, args), args)
    finally:
        await double.stop()
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f}")
    for problem in check.problems:
        print(f"WRONG: {problem}", file=sys.stderr)
    return 1 if check.problems else 0


def backends(args: argparse.Namespace) -> list[str]:
    wanted = ["sqlite"] if args.sqlite_only else args.backend or ["sqlite", "postgresql"]
    if "postgresql" in wanted and not postgres_reachable():
        print(f"PostgreSQL: nothing answers at {POSTGRES_URL}; its run is skipped")
        return [name for name in wanted if name != "postgresql"]
    return wanted


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="each phase (default 60)")
    parser.add_argument("--rounds", type=int, default=1, help="quiet + loaded pairs")
    parser.add_argument("--per-minute", type=int, default=10_000, help="points a minute")
    parser.add_argument("--incidents", type=int, default=100)
    parser.add_argument("--batch", type=int, default=10, help="points a request (<= 10)")
    parser.add_argument("--events-per-second", type=float, default=20.0)
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument(
        "--backend", action="append", choices=sorted(NAMES), help="only this one (repeatable)"
    )
    parser.add_argument(
        "--tick-seconds", type=float, default=1.0, help="the bot's CRISIS_TICK_SECONDS (0: off)"
    )
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(options())))
