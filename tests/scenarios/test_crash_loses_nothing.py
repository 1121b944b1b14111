"""`kill -9` during a burst of message events: every event Slack got a 200 for is in the record,
exactly once (the bot runs as `python -m app serve`, on SQLite and on PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import text

from app.harness import BOT_TOKEN
from app.record.append import ENTRY
from app.slackdouble import SlackDouble, SlackDriver
from app.store.engine import make_engine, make_session_factory
from app.store.migrate import upgrade
from tests.conftest import BACKENDS
from tests.databases import POSTGRES_URL
from tests.factories import stored_incident
from tests.scenarios.test_serve import serve, serve_env, wait_healthy
from tests.scenarios.test_stored_before_ack import said_in

CHANNEL = "C0CRASH"
EVENTS = 400


@pytest.mark.parametrize("backend", BACKENDS)
async def test_kill_9_during_a_burst_loses_nothing_acknowledged(
    backend: str, tmp_path: Path
) -> None:
    async with database(backend, tmp_path) as url, SlackDouble(token=BOT_TOKEN) as double:
        await war_room(url)
        env = serve_env(tmp_path, double.api_url, DATABASE_URL=url)
        process = await serve(env, tmp_path)
        try:
            health = f"http://127.0.0.1:{env['PORT']}/healthz"
            assert await wait_healthy(health, process) == 200
            bot = f"http://127.0.0.1:{env['PORT']}/slack/events"
            acknowledged = await burst_until_killed(double, bot, env, process)
        finally:
            if process.returncode is None:
                process.kill()
            await process.communicate()
        stored = await stored_keys(url)
    assert 0 < len(acknowledged) < EVENTS  # the kill really came mid-burst
    assert acknowledged <= set(stored)  # nothing acknowledged is lost
    assert len(stored) == len(set(stored))  # nothing is stored twice


async def burst_until_killed(
    double: SlackDouble, bot: str, env: dict[str, str], process: asyncio.subprocess.Process
) -> set[str]:
    """Send the burst, 32 in flight; kill -9 the bot once 150 events are acknowledged."""
    driver = SlackDriver(double, bot, env["SLACK_SIGNING_SECRET"])
    gate, acknowledged = asyncio.Semaphore(32), set[str]()

    async def send(n: int) -> None:
        async with gate:
            event = said_in(CHANNEL, n)
            try:
                response = await driver.event(event)
            except aiohttp.ClientError:
                return  # the bot died: no answer, nothing promised
            if response.status == 200:
                acknowledged.add(f"post:{CHANNEL}:{event['ts']}")
                if len(acknowledged) == 150:
                    os.kill(process.pid, signal.SIGKILL)

    try:
        await asyncio.gather(*(send(n) for n in range(EVENTS)))
    finally:
        await driver.close()
    return acknowledged


async def war_room(url: str) -> None:
    engine = make_engine(url)
    try:
        await upgrade(engine)
        at = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)
        await stored_incident(make_session_factory(engine), at=at, channel=CHANNEL)
    finally:
        await engine.dispose()


async def stored_keys(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            query = ENTRY.select().where(ENTRY.c.dedupe_key.like(f"post:{CHANNEL}:%"))
            return [row.dedupe_key for row in await conn.execute(query)]
    finally:
        await engine.dispose()


@asynccontextmanager
async def database(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh database another process can open by URL alone."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'crash.db'}"
        return
    name = f"crash_{secrets.token_hex(5)}"
    admin = make_engine(POSTGRES_URL)
    try:
        async with admin.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f"CREATE DATABASE {name}"))
        yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        async with admin.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        await admin.dispose()
