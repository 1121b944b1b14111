"""The periodic catch-up: gaps in the record are noticed and closed without a restart (issue 13).

Each pass (every CATCH_UP_SECONDS, or the tick if slower; tests call `CrisisRoom.tick()`):
1. persists the gap marks this process noticed (`deps.gaps`: failed writes, Slack's signals of
   dropped events) and gives each open incident a schedule row; if the database still refuses
   writes, the marks stay in memory for the next pass;
2. takes due incidents one at a time, marked ones first (a lease: two replicas never walk the
   same incident), and reads what the record lacks from history (the whole walk for a marked
   incident, edits and deletions included; from the newest ts already read for the others),
   then schedules the next look: `ROUTINE_EVERY` (5 min) later, or `MARK_DELAY` (30 s) if a
   gap was noticed again meanwhile (app/record/catch_up.py).

Rate limits: conversations.history and .replies are Tier 3 (~50 calls a minute per app and
workspace). A replica spends at most `CALLS_PER_MINUTE` (20) on catch-up, so two replicas
together stay under it; a walk may overspend its tokens, and the passes that follow wait
until the bucket has refilled. Slack's 429s are still retried by the client (Retry-After).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from app.clock import Clock
from app.errors import SlackFailure
from app.flows.deps import Deps
from app.flows.reconcile import Caught, reconcile_recent, reconcile_whole
from app.incidents.models import Incident
from app.record import catch_up
from app.record.catch_up import Taken
from app.store.workspace import Workspace

logger = logging.getLogger(__name__)

JOB_ID = "crisis-record-catch-up"
CATCH_UP_SECONDS = 5.0  # how soon marks are persisted once the database is back
CALLS_PER_MINUTE = 20.0
WRITE_FAILURES = (SQLAlchemyError, OSError)


def catch_up_seconds(tick_seconds: float) -> float:
    """How often the pass runs: never while ticks are off (tests tick by hand)."""
    return 0 if tick_seconds <= 0 else max(tick_seconds, CATCH_UP_SECONDS)


@dataclass
class CallBudget:
    """A token bucket of Web API calls, refilled from the injected clock."""

    clock: Clock
    per_minute: float = CALLS_PER_MINUTE
    tokens: float = CALLS_PER_MINUTE
    at: datetime | None = None

    def available(self) -> bool:
        now = self.clock.now()
        if self.at is not None:
            refill = (now - self.at).total_seconds() * self.per_minute / 60
            self.tokens = min(self.per_minute, self.tokens + max(refill, 0))
        self.at = now
        return self.tokens >= 1

    def spend(self, calls: int) -> None:
        self.tokens -= calls


class CatchUp:
    """The pass, with this process's call budget (one per CrisisRoom)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.budget = CallBudget(deps.clock)
        self.calls = 0  # Web API calls made by the last pass (benches and tests read it)

    async def run(self) -> int:
        """One pass; returns how many record entries it recovered."""
        self.calls = 0
        if not await self._persist_marks():
            return 0
        recovered = 0
        while self.budget.available():
            taken = await self._take()
            if taken is None:
                break
            recovered += await self._walk(taken)
        return recovered

    async def _persist_marks(self) -> bool:
        deps, marks = self.deps, self.deps.gaps.take()
        try:
            async with deps.db.begin() as session:
                await catch_up.adopt(session, now=deps.clock.now())
                if marks.pending:
                    await catch_up.mark(session, marks, now=deps.clock.now())
        except WRITE_FAILURES as error:
            deps.gaps.put_back(marks)
            logger.warning("gap marks kept in memory: %s", type(error).__name__)
            return False
        return True

    async def _take(self) -> Taken | None:
        now = self.deps.clock.now()
        async with self.deps.db() as session:
            if not await catch_up.any_due(session, now=now):
                return None
        async with self.deps.db.begin() as session:
            return await catch_up.take_next(session, now=now)

    async def _walk(self, taken: Taken) -> int:
        """Walk one incident; a failure is logged and its lease makes it due again later."""
        deps, started = self.deps, self.deps.clock.now()
        async with deps.db() as session:
            incident = await session.get(Incident, taken.incident_id)
        if incident is None:
            return 0
        deps = await deps.on(Workspace.of(incident))  # read with its workspace's installation
        try:
            if taken.gap_since is not None:  # a known gap: the whole walk
                caught = await reconcile_whole(deps, incident)
            else:
                caught = await reconcile_recent(deps, incident, since=taken.reconciled_ts)
        except SlackFailure as failure:
            self._spend(1)
            logger.warning("could not catch up %s: %s", incident.ref, failure.message)
            return 0
        except Exception:
            self._spend(1)
            logger.exception("catching up %s failed; it is tried again later", incident.ref)
            return 0
        self._spend(caught.calls)
        await self._finish(taken, caught, started)
        return caught.stored

    def _spend(self, calls: int) -> None:
        self.calls += calls
        self.budget.spend(calls)

    async def _finish(self, taken: Taken, caught: Caught, started: datetime) -> None:
        now = self.deps.clock.now()
        async with self.deps.db.begin() as session:
            await catch_up.finish(session, taken, newest=caught.newest, started=started, now=now)
        if caught.stored:
            logger.info(
                "catch-up recovered %d entries for INC-%d", caught.stored, taken.incident_id
            )


@dataclass(frozen=True)
class Backlog:
    """For /healthz?verbose=1: incidents waiting for a catch-up of a known gap."""

    waiting: int  # persisted marks on open incidents
    oldest: datetime | None
    unsaved: int  # marks still only in this process's memory


async def backlog(deps: Deps) -> Backlog:
    async with deps.db() as session:
        waiting, oldest = await catch_up.backlog(session)
    times = [t for t in (oldest, deps.gaps.oldest) if t is not None]
    return Backlog(waiting, min(times, default=None), deps.gaps.pending)
