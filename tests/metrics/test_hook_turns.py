"""The metrics hook's turns: points store one request at a time (SQLite), and a backlog past
its limit is answered 503 rather than queued in front of Slack's events."""

from __future__ import annotations

import asyncio

import pytest

from app.hooks.metrics_http import BUSY, Turns
from app.metrics.hook_auth import Refused


async def test_requests_store_one_at_a_time_in_arrival_order() -> None:
    turns, order, inside = Turns(at_once=1, backlog=10), [], []

    async def request(n: int) -> None:
        async with turns.turn():
            inside.append(n)
            assert len(inside) == 1, "two requests stored at once"
            await asyncio.sleep(0.001)
            order.append(n)
            inside.remove(n)

    await asyncio.gather(*(request(n) for n in range(5)))
    assert order == [0, 1, 2, 3, 4]


async def test_past_the_backlog_a_request_is_refused_busy_and_the_others_go_on() -> None:
    turns, release = Turns(at_once=1, backlog=2), asyncio.Event()

    async def holder() -> None:
        async with turns.turn():
            await release.wait()

    async def waiter() -> str:
        async with turns.turn():
            return "stored"

    held = asyncio.create_task(holder())
    await asyncio.sleep(0)
    waiting = [asyncio.create_task(waiter()) for _ in range(2)]
    await asyncio.sleep(0)
    assert turns.waiting == 2
    with pytest.raises(Refused) as refused:
        async with turns.turn():
            pass
    assert (refused.value.status, refused.value.error) == (503, BUSY)
    release.set()
    assert await asyncio.gather(*waiting) == ["stored", "stored"]
    await held
    assert turns.waiting == 0
