"""Is the bot able to work? What /healthz answers once the bot has started.

It checks, in order, and names the first part that fails:
- slack: the token was revoked or the app uninstalled (the gateway stopped using it), or
  auth.test failed. The token is proven by auth.test at start; after that it is checked again
  at most once per AUTH_EVERY, never on every probe, and each check waits at most AUTH_SECONDS.
- database: the probe of app/store/health.py (a write on SQLite, a query on PostgreSQL),
  run as a task: after `probe_seconds` the answer is "no answer" while the probe goes on
  (cancelling would not stop the driver), and the next request waits on that same probe
  rather than starting another.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select

from app.errors import SlackFailure
from app.flows.catch_up import backlog
from app.flows.deps import Deps
from app.outbox import service as outbox
from app.record.models import RecordEntry
from app.store.health import MIN_FREE_BYTES, database_trouble

logger = logging.getLogger(__name__)

PROBE_SECONDS = 2.0  # a database slower than this to answer the probe is not healthy
AUTH_EVERY = timedelta(seconds=30)
AUTH_SECONDS = 3.0


@dataclass(frozen=True)
class Verdict:
    failing: str | None = None  # "slack" or "database"; None when all is well
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.failing is None

    def answer(self) -> dict[str, Any]:
        if self.ok:
            return {"ok": True}
        return {"ok": False, "failing": self.failing, "reason": self.reason}


class HealthCheck:
    """One per HTTP app: it remembers when Slack auth was last proven, and logs each change
    of verdict once (a load balancer probing every few seconds does not flood the log)."""

    def __init__(
        self,
        deps: Deps,
        *,
        probe_seconds: float = PROBE_SECONDS,
        min_free_bytes: int = MIN_FREE_BYTES,
    ) -> None:
        self._deps = deps
        self._probe_seconds = probe_seconds
        self._min_free_bytes = min_free_bytes
        self._auth_lock = asyncio.Lock()
        self.auth_checked: datetime | None = None  # when auth was last proven or refused
        self._auth_trouble: str | None = None
        self._probe: asyncio.Task[str | None] | None = None
        self._last = Verdict()

    async def check(self) -> Verdict:
        verdict = Verdict()
        if (slack := await self._slack_trouble()) is not None:
            verdict = Verdict("slack", slack)
        elif (database := await self._database_trouble()) is not None:
            verdict = Verdict("database", database)
        self._log_change(verdict)
        return verdict

    async def last_record_write(self) -> datetime | None:
        """When the bot last appended to the legal record (any incident), for ?verbose=1."""
        latest = select(RecordEntry.recorded_at).order_by(col(RecordEntry.id).desc()).limit(1)
        async with asyncio.timeout(self._probe_seconds), self._deps.db() as session:
            return (await session.exec(latest)).first()

    async def catch_up(self) -> dict[str, Any]:
        """For ?verbose=1: open incidents waiting for a catch-up of a known gap in their
        record, when the oldest of those gaps was noticed, and how many marks this process
        still holds only in memory (the database refused them)."""
        async with asyncio.timeout(self._probe_seconds):
            found = await backlog(self._deps)
        oldest = found.oldest.isoformat() if found.oldest is not None else None
        return {"waiting": found.waiting, "oldest_gap": oldest, "unsaved": found.unsaved}

    async def outbox(self) -> dict[str, Any]:
        """For ?verbose=1: copies Slack shows that are behind what is stored (card copies,
        briefs, topics, Home tabs), and since when the oldest of them has been behind."""
        async with asyncio.timeout(self._probe_seconds), self._deps.db() as session:
            behind, oldest = await outbox.backlog(session)
        return {"behind": behind, "oldest": oldest.isoformat() if oldest is not None else None}

    async def _database_trouble(self) -> str | None:
        if self._probe is None or self._probe.done():
            probe = database_trouble(self._deps.db.engine, min_free_bytes=self._min_free_bytes)
            self._probe = asyncio.create_task(probe, name="database health probe")
        done, _ = await asyncio.wait({self._probe}, timeout=self._probe_seconds)
        if not done:
            return f"no answer within {self._probe_seconds:g} s"
        return self._probe.result()

    async def _slack_trouble(self) -> str | None:
        if self._deps.settings.oauth:  # no one token: each workspace's calls show their own
            return None
        if self._deps.slack.stopped is not None:  # tokens_revoked / app_uninstalled
            return self._deps.slack.stopped
        async with self._auth_lock:  # concurrent probes share one auth.test
            now = self._deps.clock.now()
            if self.auth_checked is None:  # the first probe after start: auth.test just ran
                self.auth_checked = now
            elif now - self.auth_checked >= AUTH_EVERY:
                self._auth_trouble = await self._auth_test()
                self.auth_checked = now
        return self._auth_trouble

    async def _auth_test(self) -> str | None:
        try:
            async with asyncio.timeout(AUTH_SECONDS):
                await self._deps.slack.identify()
        except SlackFailure as failure:
            return failure.message
        except TimeoutError:
            return f"auth.test did not answer within {AUTH_SECONDS:g} s"
        return None

    def _log_change(self, verdict: Verdict) -> None:
        if verdict == self._last:
            return
        if verdict.ok:
            logger.info("healthy again")
        else:
            logger.warning("unhealthy: %s: %s", verdict.failing, verdict.reason)
        self._last = verdict
