"""Each database's own INSERT (for ON CONFLICT), its dialect imported only by a bot that uses
it: PostgreSQL's dialect package (and with it the asyncpg, psycopg and pg8000 adapters its
`__init__` loads) is 2.2 MB of resident memory that a bot on SQLite never needs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.dialects.postgresql import Insert as PostgresInsert
    from sqlalchemy.dialects.sqlite import Insert as SqliteInsert

    Inserter = Callable[[Any], PostgresInsert] | Callable[[Any], SqliteInsert]


def insert_of(dialect_name: str) -> Inserter:
    """`insert(table)` of the dialect named (`connection.dialect.name`)."""
    if dialect_name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert
    from sqlalchemy.dialects import sqlite

    return sqlite.insert
