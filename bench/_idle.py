"""The bot idle with 1,000 open incidents, all overdue, ticking each second, beside bare Bolt.

The incidents are inserted straight into a fresh SQLite database (their war rooms made in the
double) before the bot starts; its first ticks nudge every one of them once. Once that is
done and Slack has heard nothing from the bot for 3 s (its start-up recovery reads every war
room's history), both processes' CPU is read over the same seconds.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _db import Store, fresh_database
from _loader import TOKEN, quiet
from _procs import App, start_bot

from app.harness.seed import MARIA
from app.incidents.models import Incident
from app.slackdouble import SlackDouble
from app.store.migrate import upgrade

CADENCE = timedelta(minutes=30)
PREFIX = "CIDLE"


@dataclass
class Idle:
    incidents: int
    nudged: int
    catch_up: float
    settled: float
    seconds: float
    bot_cpu: float
    bare_cpu: float

    @property
    def bot_percent(self) -> float:
        return self.bot_cpu / self.seconds * 100

    @property
    def bare_percent(self) -> float:
        return self.bare_cpu / self.seconds * 100


async def seed_overdue(store: Store, double: SlackDouble, count: int) -> None:
    opened = datetime.now(UTC) - 3 * CADENCE
    members = [double.bot_user_id, MARIA.id]
    rows = []
    for i in range(count):
        channel = double.add_channel(f"idle-{i}", id=f"{PREFIX}{i:05d}", members=members)
        rows.append(
            Incident(
                title=f"Idle incident {i}",
                channel_id=channel,
                channel_name=f"idle-{i}",
                opened_by=MARIA.id,
                opened_at=opened,
                cadence_seconds=int(CADENCE.total_seconds()),
                next_update_due=opened + CADENCE,
                next_reminder_at=opened + CADENCE,
            )
        )
    await upgrade(store.engine)
    async with store.db.begin() as session:
        session.add_all(rows)


def nudges(double: SlackDouble) -> int:
    posts = double.calls_to("chat.postMessage")
    return sum(1 for call in posts if str(call.args.get("channel", "")).startswith(PREFIX))


async def idle_cpu(
    double: SlackDouble, bare: App, folder: Path, incidents: int, seconds: float
) -> Idle:
    async with fresh_database("sqlite", folder) as url:
        store = Store(url)
        try:
            await seed_overdue(store, double, incidents)
        finally:
            await store.close()
        began = time.perf_counter()
        bot = await start_bot(
            double.api_url, TOKEN, url, folder, "bot-idle", CRISIS_TICK_SECONDS="1"
        )
        try:
            deadline = time.monotonic() + 300
            while nudges(double) < incidents and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            catch_up = time.perf_counter() - began
            await quiet(double, still=3.0, timeout=300, reads=1)  # start-up recovery done
            settled = time.perf_counter() - began
            ours, theirs, started = bot.cpu(), bare.cpu(), time.perf_counter()
            await asyncio.sleep(seconds)
            ours, theirs = bot.cpu() - ours, bare.cpu() - theirs
            elapsed = time.perf_counter() - started
        finally:
            await bot.stop()
    return Idle(incidents, nudges(double), catch_up, settled, elapsed, ours, theirs)
