"""A periodic pass never overlaps itself, and a long pass makes no noise every tick."""

from __future__ import annotations

import asyncio
import logging

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from app.periodic import PeriodicPass


async def test_a_long_pass_is_not_started_twice_and_the_scheduler_stays_quiet(
    caplog: pytest.LogCaptureFixture,
) -> None:
    started, release = 0, asyncio.Event()

    async def work() -> int:
        nonlocal started
        started += 1
        await release.wait()
        return 0

    scheduler = AsyncIOScheduler(timezone="UTC")
    periodic = PeriodicPass(scheduler, work, job_id="test-pass", seconds=0.05)
    with caplog.at_level(logging.WARNING):
        periodic.start()
        scheduler.start()
        await asyncio.sleep(0.4)  # eight ticks while the first pass is still at work
        assert started == 1
        release.set()
        await asyncio.sleep(0.2)
        assert started >= 2  # the next tick after it ended runs again
        await periodic.stop()
        scheduler.shutdown(wait=False)
    assert not [r for r in caplog.records if r.name.startswith("apscheduler")]


async def test_a_leasing_pass_stuck_on_slack_does_not_hold_the_next_one() -> None:
    """Reminders lease what they take, so up to `at_once` passes may run: one stuck on a hung
    Slack call leaves the next tick free to send what fell due meanwhile."""
    started, release = 0, asyncio.Event()

    async def work() -> int:
        nonlocal started
        started += 1
        if started == 1:
            await release.wait()  # the first pass hangs
        return 0

    scheduler = AsyncIOScheduler(timezone="UTC")
    periodic = PeriodicPass(scheduler, work, job_id="leasing-pass", seconds=0.05, at_once=2)
    periodic.start()
    scheduler.start()
    await asyncio.sleep(0.4)
    assert started >= 4  # later passes kept running beside the stuck one
    release.set()
    await periodic.stop()
    scheduler.shutdown(wait=False)
