"""The clock that drives reminders: APScheduler ticks, the database decides what is due.

Each tick asks the database which incidents are due at `clock.now()` and sends what they are
owed. Nothing about reminders lives in the scheduler, so a restart loses nothing: the first tick
after start catches up, and an incident overdue for hours still gets one nudge. Tests and drills
call `tick()` themselves after moving a fake clock.
"""

from __future__ import annotations

import asyncio
import logging

from app.flows.deps import Deps
from app.flows.reminders import remind
from app.updates import service

logger = logging.getLogger(__name__)

JOB_ID = "crisis-update-reminders"


async def tick(deps: Deps) -> int:
    """Send every reminder due now; returns how many incidents were due."""
    async with deps.db() as session:
        due = await service.due_incidents(session, deps.clock.now())
    results = await asyncio.gather(*(remind(deps, i) for i in due), return_exceptions=True)
    for incident, result in zip(due, results, strict=True):
        if isinstance(result, BaseException):
            logger.error("reminders for %s failed", incident.ref, exc_info=result)
    return len(due)
