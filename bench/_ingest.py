"""Side-by-side rounds against one bot (with a war room) and the bare Bolt reference.

Each round: people talk in the war room, then the same events go, signed, to the bot and
then to bare Bolt (A B A B over the rounds). The bot's round ends when every event is in
its record; bare Bolt's when the last ack arrives. CPU is each process's own.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _db import Store, fresh_database
from _loader import (
    TOKEN,
    burst,
    chatter,
    event_request,
    open_war_room,
    quiet,
)
from _procs import SIGNING_SECRET, App, machine_busy, start_bot, until_idle

from app.record.verify import Report
from app.slackdouble import SlackDouble, SlackDriver
from app.slackdouble.driver import SentRequest

WARMUP = 300
REDELIVERED = 500


@dataclass
class Round:
    events: int
    seconds: float
    cpu: float
    acks: list[float]
    unwritten: int = 0  # acked but not yet in the record when the last ack arrived
    machine: float = 0.0  # CPU seconds of the whole machine (loader, app, database server)

    @property
    def cores(self) -> float:
        """How many cores the machine kept busy on average during the round."""
        return self.machine / self.seconds

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    @property
    def cpu_ms(self) -> float:
        return self.cpu * 1000 / self.events


@dataclass
class Side:
    """One bot with its war room, beside the bare Bolt reference, on one Slack double."""

    double: SlackDouble
    general: str
    bot: App
    bare: App
    store: Store
    incident_id: int
    channel: str
    start_rss: tuple[float, float]
    talked: int = 0  # messages people have typed so far (numbers the next ones)
    drivers: dict[str, SlackDriver] = field(default_factory=dict)

    def driver(self, app: App) -> SlackDriver:
        if app.name not in self.drivers:
            self.drivers[app.name] = SlackDriver(self.double, app.events_url, SIGNING_SECRET)
        return self.drivers[app.name]

    async def talk(self, events: int) -> list[dict[str, Any]]:
        heard = await chatter(self.double, self.channel, events, self.talked)
        self.talked += events
        return heard


@asynccontextmanager
async def bot_beside(
    double: SlackDouble, general: str, bare: App, backend: str, folder: Path
) -> AsyncIterator[Side]:
    """A bot on a fresh `backend` database, its war room open and quiet."""
    async with fresh_database(backend, folder) as url:
        bot = await start_bot(double.api_url, TOKEN, url, folder, f"bot-{backend}")
        store = Store(url)
        drivers: dict[str, SlackDriver] = {}
        try:
            start_rss = (bot.rss_mb(), bare.rss_mb())
            driver = drivers[bot.name] = SlackDriver(double, bot.events_url, SIGNING_SECRET)
            await open_war_room(driver, general, "Benchmark: video going viral")
            incident = await store.war_room()
            await quiet(double)
            channel = incident.channel_id
            yield Side(
                double, general, bot, bare, store, incident.id or 0, channel, start_rss, 0, drivers
            )
        finally:
            for driver in drivers.values():
                await driver.close()
            await store.close()
            await bot.stop()


def signed(side: Side, app: App, events: list[dict[str, Any]], tag: str) -> list[SentRequest]:
    driver = side.driver(app)
    return [event_request(driver, e, f"Ev{tag}{n:07d}") for n, e in enumerate(events)]


async def bot_round(side: Side, events: list[dict[str, Any]], tag: str, in_flight: int) -> Round:
    requests = signed(side, side.bot, events, tag)
    before = await side.store.stored(side.incident_id)
    cpu, machine = side.bot.cpu(), machine_busy()
    result = await burst(side.bot.events_url, requests, in_flight)
    written = await side.store.stored(side.incident_id) - before
    await side.store.until_stored(side.incident_id, before + len(events))
    seconds = time.perf_counter() - result.started
    used, busy = side.bot.cpu() - cpu, machine_busy() - machine
    return Round(len(events), seconds, used, result.acks, len(events) - written, busy)


async def bare_round(side: Side, events: list[dict[str, Any]], tag: str, in_flight: int) -> Round:
    requests = signed(side, side.bare, events, tag)
    cpu, machine = side.bare.cpu(), machine_busy()
    result = await burst(side.bare.events_url, requests, in_flight)
    used, busy = side.bare.cpu() - cpu, machine_busy() - machine
    return Round(len(events), result.seconds, used, result.acks, 0, busy)


@dataclass
class Ingest:
    rounds: list[tuple[Round, Round]]
    sent: int
    stored: int
    report: Report
    redelivered: int
    duplicates: int


async def ingest_rounds(side: Side, rounds: int, events: int, in_flight: int) -> Ingest:
    """A B A B: each round's events to the bot, then the same to bare Bolt (after a warm-up
    burst to each that is not counted)."""
    warmup = await side.talk(min(events, WARMUP))  # imports, caches, connection pools
    await bot_round(side, warmup, "WARMBOT", in_flight)
    await bare_round(side, warmup, "WARMBARE", in_flight)
    start = await side.store.stored(side.incident_id)
    pairs, heard, tag = [], [], ""
    for n in range(rounds):
        heard, tag = await side.talk(events), f"BOT{side.talked}R"
        await both_idle(side)
        ours = await bot_round(side, heard, tag, in_flight)
        await both_idle(side)
        theirs = await bare_round(side, heard, f"BARE{side.talked}R", in_flight)
        pairs.append((ours, theirs))
        rates = f"bot {ours.rate:,.0f} events/s, bare Bolt {theirs.rate:,.0f}"
        print(f"  round {n + 1}: {rates} ({ours.rate / theirs.rate:.1%})")
    stored = await side.store.stored(side.incident_id) - start
    report = await side.store.verify(side.incident_id)
    again = heard[:REDELIVERED]
    duplicates = await redeliver(side, again, tag, in_flight)
    sent = sum(p[0].events for p in pairs)
    return Ingest(pairs, sent, stored, report, len(again), duplicates)


async def both_idle(side: Side) -> None:
    """Each round starts with neither app still busy with the one before."""
    await until_idle(side.bot)
    await until_idle(side.bare)


async def redeliver(side: Side, events: list[dict[str, Any]], tag: str, in_flight: int) -> int:
    """Slack's retries of events the bot already stored (same event ids, X-Slack-Retry-Num):
    how many new entries they made once the bot is idle again (must be 0; what the periodic
    catch-up recovers from history meanwhile is not theirs)."""
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    requests = [
        SentRequest(r.body, {**r.headers, **retry}) for r in signed(side, side.bot, events, tag)
    ]
    before = await side.store.live(side.incident_id)
    await burst(side.bot.events_url, requests, in_flight)
    await until_idle(side.bot)
    return await side.store.live(side.incident_id) - before


@dataclass
class Memory:
    events: int
    stored: int
    bot_mb: float
    bare_mb: float


async def idle_rss(side: Side, events: int, in_flight: int, rest: float) -> Memory:
    """One big burst to each, then both idle `rest` seconds: their resident memory."""
    heard = await side.talk(events)
    before = await side.store.stored(side.incident_id)
    await bot_round(side, heard, f"BOTRSS{side.talked}R", in_flight)
    await bare_round(side, heard, f"BARERSS{side.talked}R", in_flight)
    stored = await side.store.stored(side.incident_id) - before
    await asyncio.sleep(rest)
    return Memory(len(heard), stored, side.bot.rss_mb(), side.bare.rss_mb())
