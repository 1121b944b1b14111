"""When the database cannot take a write (full, read-only, unreachable), the person is told so
in words they can act on, not "Something went wrong"; the log names the trouble, not the data."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from app.harness.seed import ALEX, MARIA
from app.store.trouble import database_trouble
from tests.conftest import BACKENDS
from tests.databases import harness_on
from tests.scenarios.conftest import crisis, last_private, seed_roles

FULL = {
    "sqlite": [
        "CREATE TRIGGER disk_full BEFORE INSERT ON incident "
        "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION disk_full() RETURNS trigger AS $$ BEGIN "
        "RAISE EXCEPTION 'could not extend file: No space left on device'; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER disk_full BEFORE INSERT ON incident "
        "FOR EACH ROW EXECUTE FUNCTION disk_full()",
    ],
}


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_full_database_is_named_in_the_reply(
    backend: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with harness_on(backend, tmp_path, admins=[ALEX.id]) as harness:
        await seed_roles(harness)
        async with harness.db.begin() as session:
            conn = await session.connection()
            for statement in FULL[backend]:
                await conn.execute(text(statement))
        with caplog.at_level(logging.ERROR, logger="app.errors"):
            await crisis(harness, MARIA.id, "open Confidential: recall of batch 7")
        line = last_private(harness, MARIA.id)
        assert "That could not be saved: the database is full" in line, line
        assert "tell your admin" in line and "error id" in line
        logged = " ".join(r.getMessage() for r in caplog.records if r.name == "app.errors")
        assert "the database is full" in logged and "recall of batch 7" not in logged
        await crisis(harness, MARIA.id, "open Second try")  # the same outage
        await harness.settle()
        told = [m.text for m in harness.double.dms(ALEX.id) if "database" in m.text]
        assert len(told) == 1, told  # the admin hears of it once
        assert "cannot save to its database: the database is full" in told[0]


def test_what_each_error_means() -> None:
    def wrapped(error: Exception) -> OperationalError:
        return OperationalError("INSERT …", {}, error)

    assert database_trouble(wrapped(sqlite3.OperationalError("database or disk is full"))) == (
        "the database is full"
    )
    readonly = wrapped(sqlite3.OperationalError("attempt to write a readonly database"))
    assert database_trouble(readonly) == "the database is read-only"
    assert database_trouble(ConnectionRefusedError(111, "Connection refused")) == (
        "the database cannot be reached"
    )
    refused = IntegrityError(
        "DELETE …", {}, sqlite3.IntegrityError("the legal record is append-only")
    )
    assert database_trouble(refused) is None  # a refused tamper attempt is no trouble
    assert database_trouble(RuntimeError("the clock stopped")) is None
