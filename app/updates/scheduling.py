"""The clock that drives reminders: APScheduler ticks, the database decides what is due.

Each tick asks the database which incidents are due at `clock.now()` and sends what they are
owed. Nothing about reminders lives in the scheduler, so a restart loses nothing: the first tick
after start catches up, and an incident overdue for hours still gets one nudge. Tests and drills
call `tick()` themselves after moving a fake clock.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from app.deps import Deps
from app.updates import service
from app.updates.reminders import remind

logger = logging.getLogger(__name__)

JOB_ID = "crisis-update-reminders"
STOP_WAIT_SECONDS = 10.0


async def tick(deps: Deps) -> int:
    """Send every reminder due now; returns how many incidents were due."""
    async with deps.db() as session:
        due = await service.due_incidents(session, deps.clock.now())
    results = await asyncio.gather(*(remind(deps, i) for i in due), return_exceptions=True)
    for incident, result in zip(due, results, strict=True):
        if isinstance(result, BaseException):
            logger.error("reminders for %s failed", incident.ref, exc_info=result)
    return len(due)


class ReminderLoop:
    """Runs `tick` every CRISIS_TICK_SECONDS on the app's scheduler (0 turns it off)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._running: set[asyncio.Task[object]] = set()

    def start(self) -> None:
        seconds = self.deps.settings.tick_seconds
        if seconds <= 0:
            return
        self.deps.scheduler.add_job(
            self._scheduled_tick,
            "interval",
            seconds=seconds,
            id=JOB_ID,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            next_run_time=datetime.now(UTC),
        )

    async def tick(self) -> int:
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            return await tick(self.deps)
        finally:
            if task is not None:
                self._running.discard(task)

    async def _scheduled_tick(self) -> None:
        try:
            await self.tick()
        except Exception:
            logger.exception("the reminder tick failed; the next one tries again")

    async def stop(self) -> None:
        """No more ticks; wait for one in flight so it never outlives the database."""
        if self.deps.scheduler.get_job(JOB_ID) is not None:
            self.deps.scheduler.remove_job(JOB_ID)
        running = [task for task in self._running if task is not asyncio.current_task()]
        if running:
            await asyncio.wait(running, timeout=STOP_WAIT_SECONDS)
