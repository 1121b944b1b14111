"""The group-commit writer's SQLite connection never checkpoints inside a commit (the commit
that crossed 1,000 WAL pages used to copy the WAL into the database while its events waited
for their acks); its own checkpointer connection does it, without waiting for anyone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from app.store.engine import make_engine, make_writer_thread

PAGES = 1_500  # past SQLite's automatic checkpoint (1,000 pages)


def fill(conn: Connection, _arg: Any) -> int:
    conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS filler (blob BLOB)")
    for _ in range(PAGES // 10):
        conn.exec_driver_sql("INSERT INTO filler VALUES (zeroblob(40000))")  # ~10 pages each
    return int(conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one())


async def test_the_writer_leaves_checkpoints_to_its_checkpointer(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    writer = make_writer_thread(engine)
    assert writer is not None
    try:
        assert await writer.run(fill, None) == 0  # automatic checkpoints off
        busy, log, copied = writer.checkpoint()
        assert busy == 0 and log >= PAGES  # the whole WAL was still there: no commit copied it
        assert copied == log  # no reader in the way: all of it copied now
    finally:
        await writer.close()
        await engine.dispose()
