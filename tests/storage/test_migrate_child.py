"""The server migrates in a child process, so Alembic never loads in it (issue 12).

`app.store.migrate_child` runs the same `upgrade` (same lock) in `python -m
app.store.migrate_child` and raises in the server what `upgrade` would have raised there.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from app.harness import BOT_TOKEN
from app.slackdouble import SlackDouble
from app.store.engine import make_engine
from app.store.migrate import alembic_config, upgrade
from app.store.migrate_child import (
    MigrationFailed,
    MigrationRefused,
    SchemaAhead,
    in_memory,
    migrate,
    upgrade_in_child,
)
from tests.conftest import BACKENDS
from tests.scenarios.test_serve import free_port, serve_env
from tests.storage.test_migrate_concurrent import empty_database, schema

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()
LOADED_FOR_MIGRATIONS = ("alembic", "mako", "pygments")

# The real server in a process of its own: once /healthz says it has started (migrated),
# it prints which of the modules only migrations need it loaded, then stops itself.
SERVER = f"""
import asyncio, os, signal, sys
import aiohttp
from app.serve import serve
from app.settings import load_settings

async def main():
    served = asyncio.create_task(serve(load_settings()))
    url = f"http://127.0.0.1:{{os.environ['PORT']}}/healthz"
    async with aiohttp.ClientSession() as http:
        while not served.done():
            try:
                async with http.get(url) as response:
                    if response.status == 200:
                        break
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    print([m for m in {LOADED_FOR_MIGRATIONS!r} if m in sys.modules], flush=True)
    os.kill(os.getpid(), signal.SIGTERM)
    return await served

sys.exit(asyncio.run(main()))
"""


@pytest.mark.parametrize("backend", BACKENDS)
async def test_the_child_migrates_an_empty_database_to_head(backend: str, tmp_path: Path) -> None:
    async with empty_database(backend, tmp_path) as url:
        await upgrade_in_child(url)
        versions, tables = await schema(url)
    assert versions == [HEAD]
    assert set(SQLModel.metadata.tables) <= tables


@pytest.mark.parametrize("backend", BACKENDS)
async def test_replicas_migrating_in_children_together_migrate_once(
    backend: str, tmp_path: Path
) -> None:
    async with empty_database(backend, tmp_path) as url:
        await asyncio.gather(*(upgrade_in_child(url) for _ in range(4)))
        versions, tables = await schema(url)
    assert versions == [HEAD]
    assert set(SQLModel.metadata.tables) <= tables


async def test_a_schema_from_a_newer_release_raises_schema_ahead_as_in_process(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'ahead.db'}"
    engine = make_engine(url)
    try:
        await upgrade(engine)
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = '0099_x'"))
        with pytest.raises(SchemaAhead) as here:
            await upgrade(engine)
    finally:
        await engine.dispose()
    with pytest.raises(SchemaAhead) as apart:
        await upgrade_in_child(url)
    assert apart.value.message == here.value.message
    assert "newer than this version of Crisis Room" in apart.value.message


async def test_a_database_that_refuses_is_named_by_its_error_class_only() -> None:
    url = f"postgresql://postgres:hunter2-secret@127.0.0.1:{free_port()}/nowhere"
    with pytest.raises(MigrationRefused) as refused:
        await upgrade_in_child(url)
    assert refused.value.kind in {"ConnectionRefusedError", "OSError"}
    assert "hunter2" not in refused.value.message


async def test_a_child_that_dies_without_an_answer_is_a_migration_failure() -> None:
    with pytest.raises(MigrationFailed, match="exited with code 1"):
        await upgrade_in_child("mysql://nobody@127.0.0.1/none")  # make_engine refuses: a bug


@pytest.mark.parametrize(
    ("url", "memory"),
    [
        ("sqlite://", True),
        ("sqlite+aiosqlite:///:memory:", True),
        ("sqlite:///file:shared?mode=memory&cache=shared&uri=true", True),
        ("sqlite:////var/lib/crisis/crisis.db", False),
        ("sqlite:///crisis.db", False),
        ("postgresql://postgres@127.0.0.1/test", False),
    ],
)
def test_in_memory_databases_are_those_no_other_process_can_open(url: str, memory: bool) -> None:
    assert in_memory(make_url(url)) is memory


async def test_an_in_memory_database_is_migrated_in_this_process_even_apart() -> None:
    engine = make_engine("sqlite://")
    try:
        await migrate(engine, apart=True)
        async with engine.connect() as connection:
            found = await connection.execute(text("select version_num from alembic_version"))
            versions = [row[0] for row in found]
    finally:
        await engine.dispose()
    assert versions == [HEAD]


async def test_the_server_migrates_without_ever_loading_alembic(tmp_path: Path) -> None:
    async with SlackDouble(token=BOT_TOKEN) as double:
        env = serve_env(tmp_path, double.api_url)
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            SERVER,
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    assert out.decode().strip() == "[]"
    versions, _ = await schema(env["DATABASE_URL"])
    assert versions == [HEAD]
