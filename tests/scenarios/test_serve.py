"""`python -m app serve` for real: migrations at start, /healthz, clean stop on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp
from sqlalchemy import text

from app.harness import BOT_TOKEN
from app.slackdouble import SlackDouble
from app.store.engine import make_engine
from app.store.migrate import upgrade


def serve_env(tmp_path: Path, api_url: str, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": "serve-secret",
        "SLACK_API_URL": api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}",
        "HOST": "127.0.0.1",
        "PORT": str(free_port()),
        **extra,
    }


async def serve(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app",
        "serve",
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_healthy(url: str, process: asyncio.subprocess.Process) -> int:
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            if process.returncode is not None:
                return -1
            try:
                async with http.get(url) as response:
                    if response.status == 200:
                        return 200
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    return 0


async def test_serve_starts_answers_health_and_stops_cleanly(tmp_path: Path) -> None:
    async with SlackDouble(token=BOT_TOKEN) as double:
        env = serve_env(tmp_path, double.api_url)
        process = await serve(env, tmp_path)
        try:
            assert await wait_healthy(f"http://127.0.0.1:{env['PORT']}/healthz", process) == 200
            assert [c.method for c in double.calls] == ["auth.test"]
        finally:
            process.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(process.communicate(), timeout=30)
        assert process.returncode == 0, err.decode()
        assert (tmp_path / "served.db").exists()
        assert BOT_TOKEN.encode() not in err


async def test_serve_with_a_revoked_token_says_so_and_exits_2(tmp_path: Path) -> None:
    async with SlackDouble(token="xoxb-the-real-one") as double:
        env = serve_env(tmp_path, double.api_url)
        process = await serve(env, tmp_path)
        _, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2
    assert (
        "crisisroom: I couldn't check the bot token: the bot's token is not valid" in err.decode()
    )


async def test_a_bad_policy_file_stops_start_up_with_one_line(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yml"
    policy.write_text("categories:\n  paid_media:\n    approvers: [cmo]\n")
    env = serve_env(tmp_path, "http://127.0.0.1:9/api/", CRISIS_POLICY_FILE=str(policy))
    process = await serve(env, tmp_path)
    _, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and '"cmo" is not a role' in lines[0], lines


async def test_a_database_that_refuses_at_start_stops_start_up_with_one_line(
    tmp_path: Path,
) -> None:
    async with SlackDouble(token=BOT_TOKEN) as double:
        closed = f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere"
        env = serve_env(tmp_path, double.api_url, DATABASE_URL=closed)
        process = await serve(env, tmp_path)
        _, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2
    lines = err.decode().strip().splitlines()
    assert lines[-1].startswith("crisisroom: couldn't use the database at DATABASE_URL"), lines
    assert "Traceback" not in err.decode()


async def test_a_schema_from_a_newer_release_stops_start_up_with_one_line(tmp_path: Path) -> None:
    """An old replica restarting after a newer one migrated: one line, exit 2, no traceback."""
    database = tmp_path / "served.db"
    engine = make_engine(f"sqlite:///{database}")
    await upgrade(engine)
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    await engine.dispose()
    async with SlackDouble(token=BOT_TOKEN) as double:
        process = await serve(serve_env(tmp_path, double.api_url), tmp_path)
        _, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2
    lines = err.decode().strip().splitlines()
    assert "the database schema is newer than this version of Crisis Room" in lines[-1], lines
    assert "Traceback" not in err.decode()
