"""SQLite's write turns (app/store/turns.py): one transaction writes at a time; the
group-commit writer's batches (`first`) go ahead of the transactions still waiting, never
ahead of the one writing; a waiter that gives up leaves the order intact."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy.ext.asyncio import create_async_engine

from app.store.turns import WriterTurns


async def sqlite_turns(tmp_path: Path) -> WriterTurns:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}")
    return WriterTurns(engine)


async def write(turns: WriterTurns, name: str, log: list[str], *, first: bool = False) -> None:
    async with turns(first=first):
        log.append(f"{name} in")
        await asyncio.sleep(0)  # others run meanwhile: none of them may come in
        log.append(f"{name} out")


async def queued(turns: WriterTurns, *waiters: tuple[str, bool], log: list[str]) -> None:
    """`waiters` queue, in this order, while a transaction holds the turn."""
    async with turns():
        tasks = [asyncio.create_task(write(turns, n, log, first=f)) for n, f in waiters]
        for _ in range(3):
            await asyncio.sleep(0)  # each one is now waiting
        log.append("holder out")
    await asyncio.gather(*tasks)


async def test_one_writes_at_a_time_and_batches_go_first(tmp_path: Path) -> None:
    log: list[str] = []
    waiters = [("a", False), ("b", False), ("batch1", True), ("c", False), ("batch2", True)]
    await queued(await sqlite_turns(tmp_path), *waiters, log=log)
    order = [line.split()[0] for line in log if line.endswith(" in")]
    assert order == ["batch1", "batch2", "a", "b", "c"]
    assert all(log[i].endswith(" in") for i in range(1, len(log), 2))  # never two inside


async def test_a_waiter_cancelled_leaves_the_others_in_order(tmp_path: Path) -> None:
    turns = await sqlite_turns(tmp_path)
    log: list[str] = []
    async with turns():
        a = asyncio.create_task(write(turns, "a", log))
        b = asyncio.create_task(write(turns, "b", log))
        await asyncio.sleep(0)
        a.cancel()
        await asyncio.sleep(0)
    await asyncio.gather(a, b, return_exceptions=True)
    assert log == ["b in", "b out"]
    async with turns():  # and the turn is free again
        pass


async def test_on_postgresql_there_are_no_turns() -> None:
    engine = create_async_engine("postgresql+asyncpg://postgres@127.0.0.1/test")
    turns = WriterTurns(engine)
    log: list[str] = []
    await asyncio.gather(write(turns, "a", log), write(turns, "b", log))
    assert log == ["a in", "b in", "a out", "b out"]  # side by side
    await engine.dispose()
