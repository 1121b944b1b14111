"""Replicas started together migrate once (issue 13).

N processes run `python -m app db upgrade` (the CLI's own code) at the same instant, on an
empty database and on one left at an old revision: every process exits 0 and the schema ends
at head once. Each child imports everything first, says "ready", and waits for "go" on stdin,
so the migrations really start together. Without the migration lock (app/store/migrate.py)
these trials fail: duplicate keys on PostgreSQL, "table already exists" on SQLite.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import sys
from asyncio.subprocess import Process
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import app.models  # noqa: F401  (every table on SQLModel.metadata)
from app.harness import BOT_TOKEN
from app.store.engine import make_engine
from app.store.migrate import alembic_config, upgrade
from tests.conftest import BACKENDS
from tests.databases import POSTGRES_URL

PROCESSES = 6
TRIALS = 3
OLD = "0005_review"  # an old database: migrated this far by an earlier release

# A replica: imports everything, says "ready", then runs the CLI's `db upgrade` on each
# DATABASE_URL it reads, answering [exit code, traceback] on one line.
CHILD = """
import json, os, sys, traceback
import app.cli, app.models, app.store.engine, app.store.migrate
print("ready", flush=True)
for line in sys.stdin:
    os.environ["DATABASE_URL"] = line.strip()
    try:
        print(json.dumps([app.cli.main(["db", "upgrade"]), ""]), flush=True)
    except Exception:
        print(json.dumps([1, traceback.format_exc()]), flush=True)
"""


@asynccontextmanager
async def empty_database(backend: str, directory: Path) -> AsyncIterator[str]:
    """The URL of a database nobody has touched: a new SQLite file, or a new PostgreSQL
    database (dropped afterwards)."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / f'{secrets.token_hex(4)}.db'}"
        return
    name = f"crisis_migrate_{secrets.token_hex(6)}"
    url = make_url(POSTGRES_URL)
    admin = make_engine(url.set(database="postgres").render_as_string(hide_password=False))
    try:
        await _outside_transactions(admin, f"CREATE DATABASE {name}")
        try:
            yield url.set(database=name).render_as_string(hide_password=False)
        finally:
            await _outside_transactions(admin, f"DROP DATABASE {name} WITH (FORCE)")
    finally:
        await admin.dispose()


async def _outside_transactions(engine: AsyncEngine, statement: str) -> None:
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text(statement))


class Replicas:
    """PROCESSES child processes, each ready to run `db upgrade` when given a URL. They are
    started once per test: a trial then costs a migration, not an interpreter start."""

    def __init__(self, children: list[Process]) -> None:
        self.children = children

    async def upgrade_together(self, url: str) -> list[str]:
        """Every replica upgrades `url` at the same instant; the errors of those that fail."""
        for child in self.children:
            assert child.stdin is not None
            child.stdin.write(url.encode() + b"\n")
        answers = await asyncio.gather(*(self._answer(child) for child in self.children))
        return [error for code, error in answers if code != 0]

    @staticmethod
    async def _answer(child: Process) -> tuple[int, str]:
        assert child.stdout is not None
        line = await asyncio.wait_for(child.stdout.readline(), timeout=60)
        if not line:
            return -1, f"the replica died (exit code {await child.wait()})"
        code, error = json.loads(line)
        return int(code), str(error)


@asynccontextmanager
async def replicas(cwd: Path) -> AsyncIterator[Replicas]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": "migrate-secret",
    }
    pipe = asyncio.subprocess.PIPE
    children = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", CHILD, env=env, cwd=cwd, stdin=pipe, stdout=pipe
        )
        for _ in range(PROCESSES)
    ]
    try:
        for child in children:
            assert child.stdout is not None
            assert await asyncio.wait_for(child.stdout.readline(), timeout=30) == b"ready\n"
        yield Replicas(children)
    finally:
        for child in children:
            assert child.stdin is not None
            child.stdin.close()
        codes = await asyncio.gather(*(asyncio.wait_for(c.wait(), timeout=30) for c in children))
    assert codes == [0] * PROCESSES


def schema_of(connection: Connection) -> tuple[list[str], set[str]]:
    rows = connection.execute(text("select version_num from alembic_version")).all()
    return [str(row[0]) for row in rows], set(inspect(connection).get_table_names())


async def schema(url: str) -> tuple[list[str], set[str]]:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            found: tuple[list[str], set[str]] = await connection.run_sync(schema_of)
            return found
    finally:
        await engine.dispose()


async def migrate_to(url: str, revision: str) -> None:
    engine = make_engine(url)
    try:
        await upgrade(engine, revision)
    finally:
        await engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
async def test_replicas_started_together_migrate_once(backend: str, tmp_path: Path) -> None:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    async with replicas(tmp_path) as group:
        for start, trial in [(start, n) for start in ("empty", "old") for n in range(TRIALS)]:
            async with empty_database(backend, tmp_path) as url:
                if start == "old":
                    await migrate_to(url, OLD)
                failed = await group.upgrade_together(url)
                assert failed == [], f"{start} #{trial}: {len(failed)} failed\n{failed[0]}"
                versions, tables = await schema(url)
                assert versions == [head], f"{start} #{trial}"
                assert set(SQLModel.metadata.tables) <= tables
