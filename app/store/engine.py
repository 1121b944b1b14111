"""Async engine and session factory from a DATABASE_URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel import Session
from sqlmodel.ext.asyncio.session import AsyncSession


def async_url(url: str) -> str:
    """Accept the usual forms (sqlite:///x, postgresql://…) and pick the async driver."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif backend in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+asyncpg")
    else:
        raise ValueError(f"unsupported database: {backend}")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(
    url: str, *, echo: bool = False, connect_args: dict[str, Any] | None = None
) -> AsyncEngine:
    full = async_url(url)
    parsed = make_url(full)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(full, echo=echo, connect_args={"timeout": 10})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(full, echo=echo, pool_pre_ping=True, connect_args=connect_args or {})


class SessionFactory(async_sessionmaker[AsyncSession]):
    """Sessions on one engine. It names its engine, and its sessions are of a class of their
    own (`session_class`), so a listener installed on them (the record's after-flush hook,
    connected by the composition root) never fires for another factory's sessions."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.session_class: type[Session] = type("FactorySession", (Session,), {})
        super().__init__(
            engine,
            class_=AsyncSession,
            expire_on_commit=False,
            sync_session_class=self.session_class,
        )


def make_session_factory(engine: AsyncEngine) -> SessionFactory:
    return SessionFactory(engine)
