"""Apply Alembic migrations: from the CLI, from tests, and in the child process the server
starts for them (app/store/migrate_child.py: the server itself never imports this module).

Any number of processes may run `upgrade` at once, on an empty or an old database: each takes
a lock first and holds it until its migration transaction ends, so the others wait, then find
the schema at head and do nothing.

- PostgreSQL: `pg_advisory_xact_lock(MIGRATION_LOCK_KEY)` as the first statement of the
  migration transaction (Alembic runs in that same transaction: see migrations/env.py).
  The server lets it go at commit or rollback, or when the holder's connection dies.
- SQLite: `BEGIN EXCLUSIVE`. pysqlite (under aiosqlite) never issues a BEGIN before DDL, so
  without this every CREATE TABLE commits on its own and two processes interleave. The
  connection is switched to driver-level autocommit (pysqlite `isolation_level=None`) so that
  our own `BEGIN EXCLUSIVE` is what opens the transaction; the DBAPI's commit() ends it. That
  connection waits up to MIGRATION_WAIT_SECONDS for the lock (its busy timeout), then gets
  its usual busy timeout back. (On Python 3.11 pysqlite's default mode passes an explicit
  BEGIN EXCLUSIVE through too; autocommit mode is SQLAlchemy's documented way to own BEGIN.)
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.util.exc import CommandError
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from app.store.migrate_child import SchemaAhead

__all__ = ["SchemaAhead", "alembic_config", "upgrade"]

MIGRATIONS = Path(__file__).parent / "migrations"
# The advisory lock every Crisis Room process takes to migrate: b"crisisrm" as a bigint.
MIGRATION_LOCK_KEY = int.from_bytes(b"crisisrm", "big")
# How long a SQLite process waits for another one's migration before giving up.
MIGRATION_WAIT_SECONDS = 30.0


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection, revision: str) -> None:
    command.upgrade(alembic_config(connection), revision)


async def upgrade(engine: AsyncEngine, revision: str = "heads") -> None:
    """Bring the schema to `revision` under the migration lock; safe to run at every start,
    from any number of processes at once. Raises SchemaAhead if the database is at a revision
    this code does not know (a newer release migrated it)."""
    try:
        await _locked_upgrade(engine, revision)
    except CommandError as error:
        if "Can't locate revision" not in str(error):
            raise
        raise SchemaAhead(
            "the database schema is newer than this version of Crisis Room "
            f"({error}): run the newer release, or restore a backup taken before it"
        ) from None


async def _locked_upgrade(engine: AsyncEngine, revision: str) -> None:
    if engine.dialect.name == "sqlite":
        await _upgrade_sqlite(engine, revision)
        return
    async with engine.begin() as connection:
        await connection.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
        )
        await connection.run_sync(_upgrade, revision)


async def _upgrade_sqlite(engine: AsyncEngine, revision: str) -> None:
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        usual = (await connection.exec_driver_sql("PRAGMA busy_timeout")).scalar_one()
        wait_ms = int(MIGRATION_WAIT_SECONDS * 1000)
        await connection.exec_driver_sql(f"PRAGMA busy_timeout = {wait_ms}")
        try:
            await connection.exec_driver_sql("BEGIN EXCLUSIVE")
            await connection.run_sync(_upgrade, revision)
            await connection.commit()  # the DBAPI's commit(): COMMIT
        finally:
            # back to the pool as it came (SQLAlchemy restores the isolation level); closing
            # the connection rolls back a migration that failed
            await connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(usual)}")
