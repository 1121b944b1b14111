"""A pass that runs every CRISIS_TICK_SECONDS on the app's scheduler: reminders, checkpoints.

The database decides what each pass does, so nothing lives in the scheduler and a restart loses
nothing. Tests and drills call `run()` themselves after moving a fake clock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

logger = logging.getLogger(__name__)

STOP_WAIT_SECONDS = 10.0


class PeriodicPass:
    def __init__(
        self,
        scheduler: AsyncIOScheduler,
        work: Callable[[], Awaitable[int]],
        *,
        job_id: str,
        seconds: float,
        at_once: int = 1,
        outage: Callable[[BaseException], str | None] = lambda error: None,
    ) -> None:
        self.scheduler = scheduler
        # Names an error that says the database is out (then one line, not a traceback).
        self.outage = outage
        self.work = work
        self.job_id = job_id
        self.seconds = seconds
        # How many passes may run at the same time: 1 unless the work leases what it takes
        # (the reminders do), so a pass stuck on one slow Slack call never holds the others.
        self.at_once = at_once
        self._running: set[asyncio.Task[object]] = set()

    def start(self) -> None:
        """Schedule the pass (not when `seconds` is 0); its first run catches up at once."""
        if self.seconds <= 0:
            return
        self.scheduler.add_job(
            self._scheduled,
            "interval",
            seconds=self.seconds,
            id=self.job_id,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            next_run_time=datetime.now(UTC),
        )

    async def run(self) -> int:
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            return await self.work()
        finally:
            if task is not None:
                self._running.discard(task)

    async def _scheduled(self) -> None:
        """Start a pass in the background unless `at_once` are still at work (they see
        whatever is due, so nothing is skipped). Returning at once keeps APScheduler from
        warning every tick that the job is still running while a long pass goes on."""
        if sum(not task.done() for task in self._running) >= self.at_once:
            return
        task = asyncio.create_task(self._logged(), name=f"{self.job_id} pass")
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _logged(self) -> None:
        try:
            await self.work()
        except Exception as error:
            trouble = self.outage(error)
            if trouble is None:
                logger.exception("the %s pass failed; the next one tries again", self.job_id)
            else:  # an outage: one line a pass, not a traceback a second (/healthz names it)
                logger.warning("the %s pass waits: %s", self.job_id, trouble)

    async def stop(self) -> None:
        """No more passes; wait for one in flight so it never outlives the database."""
        if self.scheduler.get_job(self.job_id) is not None:
            self.scheduler.remove_job(self.job_id)
        running = [task for task in self._running if task is not asyncio.current_task()]
        if running:
            await asyncio.wait(running, timeout=STOP_WAIT_SECONDS)
