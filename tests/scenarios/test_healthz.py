"""/healthz tells the truth (issue 13): 200 only when the database answers a probe and Slack
auth is good; otherwise 503 naming the failing part.

A read-only database: the tests run as root, and root writes to a file chmod 0444 all the
same, so the bot opens the file read-only itself (`?mode=ro&uri=true`), which is what SQLite
does on its own when the process may not write the file.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from app.clock import FakeClock
from app.flows.health import AUTH_EVERY, HealthCheck
from app.harness import Harness, start_harness
from app.harness.seed import MARIA
from app.harness.tcp import TcpDoor
from app.store.engine import make_engine, make_session_factory
from app.store.health import database_trouble
from app.store.migrate import upgrade
from tests.conftest import BACKENDS
from tests.databases import POSTGRES_URL, harness_on, postgres_available
from tests.scenarios.conftest import crisis


async def health(harness: Harness, query: str = "") -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as http, http.get(f"{harness.http_url}/healthz{query}") as r:
        return r.status, json.loads(await r.text())


def auth_tests(harness: Harness) -> int:
    return sum(call.method == "auth.test" for call in harness.double.calls)


@pytest.mark.parametrize("backend", BACKENDS)
async def test_healthy_says_200_and_verbose_tells_the_last_record_write(
    backend: str, tmp_path: Path
) -> None:
    async with harness_on(backend, tmp_path) as harness:
        assert await health(harness) == (200, {"ok": True})
        status, answer = await health(harness, "?verbose=1")
        assert status == 200 and answer["last_record_write"] is None
        await crisis(harness, MARIA.id, "open Health check")
        status, answer = await health(harness, "?verbose=1")
        assert status == 200 and answer["last_record_write"] == harness.clock.now().isoformat()
        assert answer["slack_auth_checked"] == harness.clock.now().isoformat()
        assert answer["outbox"] == {"behind": 0, "oldest": None}
        assert answer["catch_up"] == {"waiting": 0, "oldest_gap": None, "unsaved": 0}


async def test_a_read_only_database_file_is_unhealthy_from_the_start(tmp_path: Path) -> None:
    path = tmp_path / "crisis.db"
    writable = make_engine(f"sqlite:///{path}")
    await upgrade(writable)
    await writable.dispose()
    read_only = create_async_engine(f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true")
    harness = await start_harness(
        database_url=f"sqlite:///{path}",
        clock=FakeClock(),
        session_factory=make_session_factory(read_only),
    )
    try:
        status, answer = await health(harness)
    finally:
        await harness.stop()
    assert status == 503 and answer["failing"] == "database"
    assert "readonly database" in answer["reason"]


async def test_a_full_disk_is_unhealthy(tmp_path: Path) -> None:
    """SQLite keeps a rolled-back write in memory, so the probe looks at the free space; here
    the threshold is set above any disk's size instead of filling one."""
    engine = make_engine(f"sqlite:///{tmp_path / 'crisis.db'}")
    try:
        await upgrade(engine)
        assert await database_trouble(engine) is None
        trouble = await database_trouble(engine, min_free_bytes=1 << 62)
    finally:
        await engine.dispose()
    assert trouble is not None and trouble.startswith("disk full")


async def test_a_database_locked_past_the_timeout_is_unhealthy(harness: Harness) -> None:
    check = HealthCheck(harness.room.deps, probe_seconds=0.3)
    database = harness.room.engine.url.database
    assert database is not None
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds SQLite's write lock
    try:
        verdict = await check.check()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert verdict.failing == "database" and verdict.reason == "no answer within 0.3 s"
    assert (await check.check()).ok


@asynccontextmanager
async def harness_behind(door: TcpDoor) -> AsyncIterator[Harness]:
    """The bot on PostgreSQL (a schema of its own) reached through `door`."""
    schema = f"t_{secrets.token_hex(6)}"
    admin = make_engine(POSTGRES_URL)
    async with admin.begin() as connection:
        await connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(POSTGRES_URL).set(host="127.0.0.1", port=await door.open())
    through = url.render_as_string(hide_password=False)
    engine = make_engine(through, connect_args={"server_settings": {"search_path": schema}})
    harness = await start_harness(
        database_url=through, clock=FakeClock(), session_factory=make_session_factory(engine)
    )
    try:
        yield harness
    finally:
        await harness.stop()
        await door.shut()
        async with admin.begin() as connection:
            await connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        await admin.dispose()


@pytest.mark.skipif(not postgres_available(), reason="PostgreSQL is not listening")
async def test_postgresql_refusing_connections_is_unhealthy_until_it_is_back() -> None:
    target = make_url(POSTGRES_URL)
    door = TcpDoor(target.host or "127.0.0.1", target.port or 5432)
    async with harness_behind(door) as harness:
        assert await health(harness) == (200, {"ok": True})
        await door.shut()  # the pooled connection dies, and new ones are refused
        for _ in range(2):
            status, answer = await health(harness)
            assert status == 503 and answer["failing"] == "database", answer
        assert "Connect call failed" in answer["reason"] or "refused" in answer["reason"]
        await door.open()
        assert await health(harness) == (200, {"ok": True})


async def test_slack_auth_is_checked_at_most_every_30_seconds(
    harness: Harness, clock: FakeClock
) -> None:
    calls = auth_tests(harness)  # the one at start
    assert (await health(harness))[0] == 200
    assert (await health(harness))[0] == 200
    assert auth_tests(harness) == calls  # start's auth.test counts: no call per probe
    harness.double.fail_next("auth.test", "invalid_auth")
    clock.advance(AUTH_EVERY - timedelta(seconds=1))
    assert (await health(harness))[0] == 200 and auth_tests(harness) == calls
    clock.advance(timedelta(seconds=1))
    status, answer = await health(harness)
    assert status == 503 and answer["failing"] == "slack"
    assert "token is not valid" in answer["reason"] and auth_tests(harness) == calls + 1
    assert (await health(harness))[0] == 503 and auth_tests(harness) == calls + 1  # cached
    clock.advance(AUTH_EVERY)
    assert await health(harness) == (200, {"ok": True})
    assert auth_tests(harness) == calls + 2


async def test_a_revoked_token_names_slack(harness: Harness) -> None:
    harness.room.deps.slack.stop_using_token("tokens_revoked")
    status, answer = await health(harness)
    assert status == 503
    assert answer == {"ok": False, "failing": "slack", "reason": "tokens_revoked"}


HOME_OPENED = {"type": "app_home_opened", "user": MARIA.id, "channel": "D0MARIA", "tab": "home"}


async def test_slacks_requests_get_503_until_the_bot_is_ready(harness: Harness) -> None:
    """A replica that is starting (or stopping) asks Slack to send again, instead of an error
    from a Bolt app that cannot answer yet."""
    harness.room.ready = False
    try:
        response = await harness.driver.event(dict(HOME_OPENED, event_ts="1.000001"))
        assert (response.status, json.loads(response.text)) == (503, {"error": "starting"})
    finally:
        harness.room.ready = True
    response = await harness.driver.event(dict(HOME_OPENED, event_ts="1.000002"))
    assert response.status == 200


@pytest.mark.skipif(not postgres_available(), reason="PostgreSQL is not listening")
async def test_a_database_that_cannot_keep_the_replay_memory_answers_503_not_500() -> None:
    target = make_url(POSTGRES_URL)
    door = TcpDoor(target.host or "127.0.0.1", target.port or 5432)
    async with harness_behind(door) as harness:
        await door.shut()  # (a command is acknowledged first, then told: tests/scenarios/
        response = await harness.driver.event(dict(HOME_OPENED, event_ts="1.000001"))
        assert response.status == 503, response.text  # test_ack_after_mark.py)
        assert json.loads(response.text) == {"error": "the database is unavailable"}
        await door.open()
        retried = await harness.driver.event(dict(HOME_OPENED, event_ts="1.000001"))
        assert retried.status == 200
