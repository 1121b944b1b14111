"""The server trims its heap once after each busy spell, never while idle (issue 12)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from app.serve import QUIET_CPU_SHARE, trim_after_work

CHECK = 0.002  # seconds between checks: the loop's only real wait


async def trims_for(cpu_seconds: list[float]) -> int:
    """How many trims the loop makes while the process's CPU time reads `cpu_seconds`, one
    reading a check (the first is the starting point)."""
    readings: Iterator[float] = iter(cpu_seconds)
    trims: list[None] = []

    def cpu() -> float:
        try:
            return next(readings)
        except StopIteration:
            raise asyncio.CancelledError from None  # the readings are over: so is the loop

    loop = asyncio.create_task(trim_after_work(CHECK, trim=lambda: trims.append(None), cpu=cpu))
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(loop, timeout=5)
    return len(trims)


BUSY = CHECK * QUIET_CPU_SHARE * 10  # CPU spent in one check while working
IDLE = CHECK * QUIET_CPU_SHARE / 10  # while ticking along


async def test_an_idle_server_never_trims() -> None:
    assert await trims_for([0.0, IDLE, 2 * IDLE, 3 * IDLE, 4 * IDLE]) == 0


async def test_each_busy_spell_is_followed_by_one_trim_once_quiet() -> None:
    one = BUSY
    two = one + BUSY
    three = two + BUSY
    readings = [0.0, one, two, two, two, two, three, three + IDLE, three + IDLE]
    assert await trims_for(readings) == 2


async def test_no_trim_while_still_busy() -> None:
    assert await trims_for([BUSY * n for n in range(6)]) == 0
