"""The clock that drives reminders: APScheduler ticks, the database decides what is due.

Each tick takes only the incidents whose `next_reminder_at` has come (an indexed column, leased
so another process skips them) and sends what they are owed, concurrently and each within its
own timeout; then each incident's next look is set from its reminder rows (`schedule`), so one
that is overdue and already nudged costs nothing until its escalation is due or someone acts.
Nothing about reminders lives in the scheduler, so a restart loses nothing: the first tick
after start catches up, and an incident overdue for hours still gets one nudge. Tests and drills
call `tick()` themselves after moving a fake clock.

While the process runs, `heartbeat` (every `claims.HEARTBEAT_EVERY`, started with the room)
keeps its claims alive; when it dies, another process takes them over after
`claims.STALE_AFTER` and looks each message up before sending it (app/flows/effects.py).
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.exc import SQLAlchemyError

from app.claims import rules as claims
from app.flows.deps import Deps
from app.flows.reminder_delivery import beat
from app.flows.reminders import remind
from app.incidents.models import Incident
from app.store.workspace import Workspace
from app.updates import schedule

logger = logging.getLogger(__name__)

JOB_ID = "crisis-update-reminders"
HEARTBEAT_JOB_ID = "crisis-claim-heartbeat"
HEARTBEAT_SECONDS = claims.HEARTBEAT_EVERY.total_seconds()
REMIND_TIMEOUT_SECONDS = 30.0
CONCURRENCY = 20
# Passes that may run at once: each takes (leases) only what is due and not taken, so while
# one waits on a slow Slack call, the next tick's pass sends what fell due meanwhile.
PASSES_AT_ONCE = 4


async def adopt_unscheduled(deps: Deps) -> None:
    """At start: incidents an older release changed without a next look get one now."""
    async with deps.db.begin() as session:
        adopted = await schedule.adopt_unscheduled(session, now=deps.clock.now())
    if adopted:
        logger.info("%d open incidents had no reminder time; they are looked at now", adopted)


async def tick(deps: Deps) -> int:
    """Send every reminder due now; returns how many incidents were due."""
    async with deps.db.begin() as session:
        due = await schedule.take_due(session, now=deps.clock.now())
    gate = asyncio.Semaphore(CONCURRENCY)
    await asyncio.gather(*(_look(deps, incident_id, gate) for incident_id in due))
    return len(due)


async def _look(deps: Deps, incident_id: int, gate: asyncio.Semaphore) -> None:
    """Remind one incident within its own timeout, then set when to look at it next."""
    try:
        async with gate:
            async with deps.db() as session:
                incident = await session.get(Incident, incident_id)
            if incident is not None:  # sent with its workspace's installation
                served = await deps.on(Workspace.of(incident))
                await asyncio.wait_for(remind(served, incident), REMIND_TIMEOUT_SECONDS)
    except Exception:
        logger.exception("reminders for INC-%s failed", incident_id)
    async with deps.db.begin() as session:
        await schedule.reschedule(session, incident_id=incident_id)


async def heartbeat(deps: Deps) -> int:
    """One beat: this process's reminder claims are alive (a failure is only logged: its
    claims go stale and another process takes them over, which is right if it is stuck)."""
    try:
        return await beat(deps)
    except (SQLAlchemyError, OSError) as error:
        logger.warning("the claim heartbeat failed: %s", type(error).__name__)
        return 0
