"""Message ingest counted in machine instructions instead of seconds (issue 12).

The seconds of `side_by_side.py` drift by a fifth from round to round on a shared VM (bare
Bolt alone gave 3,100 to 5,000 events/s in one run), as wide as the distance to the goals.
Here the bot and bare Bolt each run under valgrind's callgrind, which counts the instructions a
process executes whatever else the machine does. After a warm-up burst the counters are zeroed
(`callgrind_control --zero`), the same signed events go in (`in_flight` at a time), and the
counters are dumped once the bot has every event in its record (bare Bolt: at its last ack).
Then each app sits idle for as long as its round took, counted the same way: what its timers
cost meanwhile (the bot's scheduler and catch-up) is taken off, so what is left is the events'.

For a process that is bound by one core, as both are under load (the GIL), throughput is the
inverse of its work per event: the ingest goals (>= 45 % of bare Bolt's events per second,
<= 0.45 ms of CPU per event where bare Bolt takes 0.20) both ask for about 2.2x bare Bolt's
instructions per event or fewer. Instructions are not seconds (a cache miss costs many), so
this is a figure beside side_by_side.py's, not a replacement.

    .venv/bin/python bench/ingest_instructions.py [--events 1000] [--in-flight 32]
        [--backend sqlite|postgresql] [--keep FOLDER]

It needs valgrind and takes about four minutes (the apps start up under it, ~50x slower).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _db import Store, fresh_database
from _ingest import WARMUP
from _loader import TOKEN, burst, chatter, event_request, open_war_room, quiet, start_double
from _procs import SIGNING_SECRET, App, start_bare, start_bot

from app.slackdouble import SlackDouble, SlackDriver
from app.slackdouble.driver import SentRequest

GOAL = 2.2  # bot instructions per event / bare Bolt's (see above)
TOTALS = re.compile(r"^(?:summary|totals): (\d+)", re.MULTILINE)


def callgrind(out: Path) -> list[str]:
    return ["valgrind", "--tool=callgrind", "--dump-instr=no", f"--callgrind-out-file={out}"]


def control(app: App, *arguments: str) -> None:
    """callgrind_control finds a run by pid, user and $HOST, and the bot's $HOST is the
    address it listens on (bench/_procs.py), so it is given the app's environment."""
    command = ["callgrind_control", *arguments, str(app.process.pid)]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **app.env})
    if done.returncode or "error" in done.stderr:
        raise RuntimeError(f"callgrind_control {' '.join(arguments)}: {done.stderr.strip()}")


def counted(out: Path) -> int:
    """Instructions in the newest dump of `out` (callgrind numbers dumps out.1, out.2...)."""
    dumps = sorted(out.parent.glob(f"{out.name}.*"), key=lambda p: int(p.suffix[1:]))
    assert dumps, f"callgrind wrote no dump beside {out}"
    found = TOTALS.search(dumps[-1].read_text())
    assert found is not None, f"no totals in {dumps[-1]}"
    return int(found.group(1))


IDLE_SPELLS = 2  # the idle spell is this many times the busy one, its count scaled back


@dataclass(frozen=True)
class Count:
    """One app's instructions for a burst of events, and for as long an idle spell."""

    events: int
    busy: int
    idle: int  # in a spell as long as the busy one (measured over IDLE_SPELLS of them)
    seconds: float

    @property
    def per_event(self) -> float:
        return (self.busy - self.idle) / self.events


async def measure(app: App, out: Path, events: int, send: Callable[[], Awaitable[None]]) -> Count:
    """Instructions of `await send()` (which returns once the work is done), and of an idle
    spell as long (the timers' work comes in lumps: a longer spell averages them)."""
    control(app, "--zero")
    began = time.perf_counter()
    await send()
    seconds = time.perf_counter() - began
    control(app, "--dump=work")
    busy = counted(out)
    control(app, "--zero")
    await asyncio.sleep(seconds * IDLE_SPELLS)
    control(app, "--dump=idle")
    return Count(events, busy, counted(out) // IDLE_SPELLS, seconds)


def signed(
    double: SlackDouble, app: App, events: list[dict[str, Any]], tag: str
) -> list[SentRequest]:
    driver = SlackDriver(double, app.events_url, SIGNING_SECRET)
    return [event_request(driver, e, f"Ev{tag}{n:07d}") for n, e in enumerate(events)]


async def bot_count(
    args: argparse.Namespace, double: SlackDouble, general: str, folder: Path
) -> tuple[Count, list[dict[str, Any]]]:
    """The bot under callgrind on a fresh database, its war room open: a warm-up burst, then
    the counted one (done when every event is in the record). Also the events it was sent."""
    out = folder / "bot.callgrind"
    async with fresh_database(args.backend, folder) as url:
        bot = await start_bot(double.api_url, TOKEN, url, folder, "bot", wrap=callgrind(out))
        store = Store(url)
        try:
            driver = SlackDriver(double, bot.events_url, SIGNING_SECRET)
            await open_war_room(driver, general, "Benchmark: video going viral")
            await driver.close()
            incident = await store.war_room(timeout=600)
            await quiet(double, timeout=600)

            async def round_of(
                heard: list[dict[str, Any]], tag: str
            ) -> Callable[[], Awaitable[None]]:
                requests = signed(double, bot, heard, tag)
                before = await store.stored(incident.id or 0)

                async def send() -> None:
                    await burst(bot.events_url, requests, args.in_flight)
                    await store.until_stored(incident.id or 0, before + len(heard))

                return send

            warm = await chatter(double, incident.channel_id, WARMUP)
            await (await round_of(warm, "WARM"))()
            heard = await chatter(double, incident.channel_id, args.events, WARMUP)
            count = await measure(bot, out, args.events, await round_of(heard, "COUNTED"))
            return count, heard
        finally:
            await store.close()
            await bot.stop()


async def bare_count(
    args: argparse.Namespace, double: SlackDouble, folder: Path, heard: list[dict[str, Any]]
) -> Count:
    """Bare Bolt under callgrind: the same events, warm-up first (done at the last ack)."""
    out = folder / "bare.callgrind"
    bare = await start_bare(double.api_url, TOKEN, folder, wrap=callgrind(out))
    try:
        await burst(bare.events_url, signed(double, bare, heard[:WARMUP], "WARM"), args.in_flight)
        requests = signed(double, bare, heard, "COUNTED")

        async def send() -> None:
            await burst(bare.events_url, requests, args.in_flight)

        return await measure(bare, out, len(heard), send)
    finally:
        await bare.stop()


def show(name: str, count: Count) -> None:
    print(
        f"  {name:<10}{count.per_event / 1e6:>8.2f} M/event"
        f"   ({count.busy / 1e6:,.0f} M in {count.seconds:.0f} s,"
        f" {count.idle / 1e6:,.0f} M idle as long)"
        f"   busy alone {count.busy / count.events / 1e6:.2f} M/event"
    )


async def main(args: argparse.Namespace) -> int:
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        print("valgrind is not installed: nothing counted", file=sys.stderr)
        return 0
    double, general = await start_double()
    try:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(args.keep or name)
            folder.mkdir(parents=True, exist_ok=True)
            ours, heard = await bot_count(args, double, general, folder)
            theirs = await bare_count(args, double, folder, heard)
    finally:
        await double.stop()
    ratio = ours.per_event / theirs.per_event
    print(f"Message ingest, {args.backend}, {args.events:,} events, {args.in_flight} in flight")
    print("  instructions per event (callgrind), each app's idle spell of as long taken off")
    show("bot", ours)
    show("bare Bolt", theirs)
    verdict = "met" if ratio <= GOAL else "MISSED"
    print(f"  ratio {ratio:.2f}x   goal <= {GOAL}x: {verdict}")
    return 0


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--in-flight", type=int, default=32)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    keep = "keep callgrind's dumps (and the logs) in this folder, for callgrind_annotate"
    parser.add_argument("--keep", metavar="FOLDER", help=keep)
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(options())))
