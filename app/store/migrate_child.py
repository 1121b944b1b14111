"""Migrations in a short-lived child process, so Alembic never loads in the server.

Alembic (with Mako and Pygments, which it imports) costs the server ~12 MB of resident memory
it would keep for its whole life after using it once at start (issue 12). `crisisroom serve`
therefore migrates with `python -m app.store.migrate_child`: the child runs the very same
`app.store.migrate.upgrade` (same migration lock, so any number of replicas may start
together), answers with one JSON line on stdout, and exits. Its stderr is the server's, so
Alembic's log lines and a migration's traceback land where the server's would.

The database URL travels on the child's stdin, never in its argv (which anyone on the
machine can read in `ps`). A database that lives in this process's memory (`sqlite://`,
`:memory:`, `mode=memory`) cannot be migrated by another process: it is migrated here.

This module imports nothing of Alembic; `SchemaAhead` lives here so the server can raise it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from app.errors import CrisisError

CHILD_MODULE = "app.store.migrate_child"


class SchemaAhead(CrisisError):
    """The database was migrated by a newer version of Crisis Room than this one."""


class MigrationRefused(CrisisError):
    """The database refused the migration (unreachable, read-only, ...): `kind` names the
    driver's or SQLAlchemy's error class, never its message (which may quote the URL)."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"the database refused the migration ({kind})")
        self.kind = kind


class MigrationFailed(CrisisError):
    """The migration child died without an answer (its traceback is on stderr)."""


def in_memory(url: URL) -> bool:
    """A SQLite database only this process can see."""
    if url.get_backend_name() != "sqlite":
        return False
    database = url.database or ""
    return database in {"", ":memory:"} or url.query.get("mode") == "memory"


async def migrate(engine: AsyncEngine, *, apart: bool) -> None:
    """Bring `engine`'s database to head: in a child process when `apart` (the server), else
    here (tests, the CLI, and any in-memory database)."""
    if apart and not in_memory(engine.url):
        level = logging.getLevelName(logging.getLogger().getEffectiveLevel())
        await upgrade_in_child(engine.url.render_as_string(hide_password=False), level=level)
        return
    from app.store.migrate import upgrade  # Alembic loads here, in this process

    await upgrade(engine)


async def upgrade_in_child(url: str, revision: str = "heads", *, level: str = "WARNING") -> None:
    """Run `app.store.migrate.upgrade` on `url` in a child process; raise what it would have
    raised here: SchemaAhead, MigrationRefused (for a SQLAlchemy or OS error), or
    MigrationFailed if the child died some other way."""
    request = json.dumps({"url": url, "revision": revision, "level": level})
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        CHILD_MODULE,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        out, _ = await child.communicate(request.encode() + b"\n")
    finally:
        if child.returncode is None:  # cancelled while migrating: the lock dies with it
            child.kill()
            await child.wait()
    _raise_for(_answer(out), child.returncode)


def _answer(out: bytes) -> dict[str, str]:
    lines = out.decode(errors="replace").strip().splitlines()
    try:
        answer = json.loads(lines[-1]) if lines else {}
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _raise_for(answer: dict[str, str], code: int | None) -> None:
    if code == 0 and answer.get("ok") == "migrated":
        return
    if "ahead" in answer:
        raise SchemaAhead(answer["ahead"])
    if "refused" in answer:
        raise MigrationRefused(answer["refused"])
    raise MigrationFailed(
        f"the database migration failed (its process exited with code {code}; its error is above)"
    )


def main() -> int:
    """The child: read the request from stdin, migrate, answer one JSON line."""
    request = json.loads(sys.stdin.readline())
    _log_to_stderr(request["level"], request["url"])
    return asyncio.run(_migrate(request["url"], request["revision"]))


async def _migrate(url: str, revision: str) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from app.store.engine import make_engine
    from app.store.migrate import upgrade

    engine = None
    try:
        engine = make_engine(url)  # (a SQLite file's folder is made here: OSError if it can't)
        await upgrade(engine, revision)
        answer = {"ok": "migrated"}
    except SchemaAhead as error:
        answer = {"ahead": error.message}
    except (SQLAlchemyError, OSError) as error:
        answer = {"refused": type(error).__name__}
    finally:
        if engine is not None:
            await engine.dispose()
    print(json.dumps(answer), flush=True)
    return 0 if "ok" in answer else 2


def _log_to_stderr(level: str, url: str) -> None:
    from sqlalchemy.engine import make_url

    from app.logs import configure_logging

    password = make_url(url).password
    configure_logging(level, [str(password)] if password else [])


if __name__ == "__main__":  # run the importable copy, whose SchemaAhead migrate.py raises
    from app.store.migrate_child import main as child_main

    sys.exit(child_main())
