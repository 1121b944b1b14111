"""The bot the metrics bench drives: 100 incidents to feed, one war room where people talk.

The incidents the hook feeds are inserted straight into a fresh database (their war rooms made
in the double) before the bot starts, without update cadences, so no reminder fires during the
run. The war room whose message events are timed is opened the ordinary way (`/crisis open`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _db import Store, fresh_database
from _loader import TOKEN, chatter, open_war_room, quiet
from _procs import SIGNING_SECRET, App, start_bot
from sqlmodel import col, func, select

from app.audit.models import AuditEntry
from app.harness.seed import MARIA
from app.incidents.models import Incident
from app.metrics.models import MetricPoint
from app.slackdouble import SlackDouble, SlackDriver
from app.store.migrate import upgrade

METRICS_SECRET = "bench-metrics-secret-71c4"
PREFIX = "CF"


@dataclass
class Room:
    """The running bot, its database, the incidents fed and the war room talked in."""

    double: SlackDouble
    bot: App
    store: Store
    fed: list[int]  # incident ids the hook feeds
    talk_incident: int
    talk_channel: str
    driver: SlackDriver
    talked: int = 0
    heard: list[dict[str, Any]] = field(default_factory=list)

    @property
    def hook_url(self) -> str:
        return f"{self.bot.base_url}/hooks/metrics"

    async def talk(self, events: int) -> list[dict[str, Any]]:
        """People post in the war room; the events as Slack would send them."""
        heard = await chatter(self.double, self.talk_channel, events, self.talked)
        self.talked += events
        return heard

    async def points(self) -> int:
        async with self.store.db() as session:
            query = select(func.count()).select_from(MetricPoint)
            return int((await session.exec(query)).one())

    async def point_entries(self) -> int:
        """Audit rows of stored points (each also one legal-record entry, same transaction)."""
        async with self.store.db() as session:
            query = select(func.count()).where(col(AuditEntry.action) == "metric.recorded")
            return int((await session.exec(query)).one())


async def seed_incidents(store: Store, double: SlackDouble, count: int, tag: str) -> list[int]:
    """`count` open incidents, no cadence, each with a war room the bot is in (`tag` keeps
    the channels of one run apart from another's in the same double)."""
    opened = datetime.now(UTC)
    members = [double.bot_user_id, MARIA.id]
    rows = []
    for i in range(count):
        name = f"feed-{tag}-{i}"
        channel = double.add_channel(name, id=f"{PREFIX}{tag}{i:05d}", members=members)
        rows.append(
            Incident(
                title=f"Fed incident {i}",
                channel_id=channel,
                channel_name=name,
                opened_by=MARIA.id,
                opened_at=opened,
            )
        )
    await upgrade(store.engine)
    async with store.db.begin() as session:
        session.add_all(rows)
    async with store.db() as session:
        query = select(Incident.id).order_by(col(Incident.id))
        return [n for n in (await session.exec(query)).all() if n is not None]


@asynccontextmanager
async def metrics_bot(
    double: SlackDouble,
    general: str,
    backend: str,
    folder: Path,
    incidents: int,
    *,
    tick_seconds: str = "1",
) -> AsyncIterator[Room]:
    """The bot on a fresh `backend` database with the hook on, settled and quiet; it ticks
    (reminders, metric alerts) every `tick_seconds` ("0": never)."""
    async with fresh_database(backend, folder) as url:
        store = Store(url)
        fed = await seed_incidents(store, double, incidents, backend[:2].upper())
        bot = await start_bot(
            double.api_url,
            TOKEN,
            url,
            folder,
            f"bot-metrics-{backend}",
            CRISIS_METRICS_SECRET=METRICS_SECRET,
            CRISIS_TICK_SECONDS=tick_seconds,
        )
        driver = SlackDriver(double, bot.events_url, SIGNING_SECRET)
        try:
            await open_war_room(driver, general, "Benchmark: numbers pouring in")
            talk = await store.war_room()
            await quiet(double, still=3.0, timeout=300, reads=1)  # start-up recovery done
            yield Room(double, bot, store, fed, talk.id or 0, talk.channel_id, driver)
        finally:
            await driver.close()
            await store.close()
            await bot.stop()
