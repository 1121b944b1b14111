"""The group-commit writer's SQLite batches run on the event loop's thread, in one call, and
never wait there for a lock: when another connection holds the write lock, the batch runs
again on the writer's thread, which waits for the lock, while the loop goes on serving."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from app.store.engine import make_engine, make_writer_thread
from app.store.writer_thread import WriterThread


def add(conn: Connection, value: int) -> tuple[int, str]:
    conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS noted (value INTEGER)")
    conn.exec_driver_sql(f"INSERT INTO noted VALUES ({int(value)})")
    return value, threading.current_thread().name


def count(path: Path) -> int:
    with sqlite3.connect(path) as plain:
        return int(plain.execute("SELECT count(*) FROM noted").fetchone()[0])


async def writer_on(path: Path) -> tuple[Any, WriterThread]:
    engine = make_engine(f"sqlite:///{path}")
    writer = make_writer_thread(engine)
    assert writer is not None
    return engine, writer


async def test_a_batch_runs_on_the_loops_thread_when_the_file_is_free(tmp_path: Path) -> None:
    engine, writer = await writer_on(tmp_path / "free.db")
    try:
        assert await writer.run(add, 1) == (1, threading.current_thread().name)
        assert await writer.run(add, 2) == (2, threading.current_thread().name)
        assert writer.waited == 0
        assert count(tmp_path / "free.db") == 2
    finally:
        await writer.close()
        await engine.dispose()


async def test_a_locked_file_sends_the_batch_to_the_thread_and_the_loop_goes_on(
    tmp_path: Path,
) -> None:
    path = tmp_path / "locked.db"
    engine, writer = await writer_on(path)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        await writer.run(add, 1)  # the table exists, the file is in WAL
        other.execute("BEGIN IMMEDIATE")  # another process, say, holds the write lock
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticking = asyncio.create_task(tick())
        running = asyncio.create_task(writer.run(add, 2))
        await asyncio.sleep(0.3)
        assert not running.done()  # waiting for the lock, on the thread ...
        assert ticks >= 10  # ... while the loop went on
        other.execute("COMMIT")
        value, thread = await asyncio.wait_for(running, 10)
        ticking.cancel()
        assert value == 2 and thread.startswith("db-writer")
        assert writer.waited == 1
        assert count(path) == 2  # once: the inline attempt rolled back
        assert await writer.run(add, 3) == (3, threading.current_thread().name)
    finally:
        other.close()
        await writer.close()
        await engine.dispose()
