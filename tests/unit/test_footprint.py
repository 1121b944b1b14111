"""What a bot on SQLite keeps in memory (issue 12: ≤ 100 MB resident after a burst): it never
imports PostgreSQL's dialect (2.2 MB), which app/store/dialects.py loads only for PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy.dialects import postgresql, sqlite

from app.store.dialects import insert_of

ROOT = Path(__file__).resolve().parents[2]
LOADED = (
    "import sys, app.serve, app.main; "
    "print(sorted(m for m in sys.modules if m.startswith('sqlalchemy.dialects.postgresql')))"
)


def test_the_server_imports_no_postgresql_dialect() -> None:
    found = subprocess.run(
        [sys.executable, "-c", LOADED], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert found.stdout.strip() == "[]"


def test_each_database_gets_its_own_insert() -> None:
    assert insert_of("postgresql") is postgresql.insert
    assert insert_of("sqlite") is sqlite.insert
