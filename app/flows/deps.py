"""The collaborators every listener and flow needs, built once by the composition root."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from app.approvals.policy import ApprovalPolicy
from app.claims.rules import new_owner
from app.clock import Clock
from app.flows.home_refresher import HomeRefresher
from app.flows.outbox_runner import OutboxRunner
from app.locks import KeyedLocks
from app.playbooks.book import Playbooks
from app.playbooks.load import load_playbooks
from app.record.gaps import GapMarks
from app.record.remembered import RememberedHeads
from app.settings import Settings
from app.slack.gateway import SlackGateway
from app.slack.gateways import Gateways
from app.store.engine import SessionFactory
from app.store.workspace import Workspace

ResolvedHook = Callable[["Deps", int, str], Awaitable[None]]
T = TypeVar("T")


class Work:
    """The bot's own work still running after an ack: listeners (entered by `guarded`) and the
    background tasks it starts. The test harness waits until it is `idle`."""

    def __init__(self) -> None:
        self._running = 0
        self._tasks: set[asyncio.Task[Any]] = set()

    @contextmanager
    def running(self) -> Iterator[None]:
        self._running += 1
        try:
            yield
        finally:
            self._running -= 1

    def spawn(self, work: Coroutine[Any, Any, T], *, name: str) -> asyncio.Task[T]:
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    @property
    def idle(self) -> bool:
        return self._running == 0 and all(task.done() for task in self._tasks)


@dataclass
class RecordCache:
    """What the legal record's ingest keeps per process: the incident of each war-room
    channel (a channel never changes incident), and the chain heads its batches last wrote
    (a hint that saves PostgreSQL statements: app/record/remembered.py)."""

    incidents: dict[str, int] = field(default_factory=dict)
    heads: RememberedHeads = field(default_factory=RememberedHeads)


OUTAGE_QUIET = timedelta(minutes=30)


@dataclass
class OutageNotices:
    """When each kind of database trouble was last told to the admins (per process;
    app/flows/outage.py)."""

    told: dict[str, datetime] = field(default_factory=dict)

    def due(self, trouble: str, now: datetime) -> bool:
        last = self.told.get(trouble)
        if last is not None and now - last < OUTAGE_QUIET:
            return False
        self.told[trouble] = now
        return True


@dataclass
class Deps:
    settings: Settings
    slack: SlackGateway
    db: SessionFactory
    clock: Clock
    scheduler: AsyncIOScheduler
    policy: ApprovalPolicy
    # Playbooks per kind of crisis (create_app loads CRISIS_PLAYBOOK_FILE; else the defaults).
    playbooks: Playbooks = field(default_factory=lambda: load_playbooks(None))
    card_locks: KeyedLocks = field(default_factory=KeyedLocks)
    # Run after an incident is resolved, with (deps, incident_id, resolved_by): the final export.
    on_resolved: list[ResolvedHook] = field(default_factory=list)
    # Home tabs to refresh; create_app gives it the publisher (without one it publishes nothing).
    home: HomeRefresher = field(default_factory=HomeRefresher)
    record: RecordCache = field(default_factory=RecordCache)
    outages: OutageNotices = field(default_factory=OutageNotices)
    work: Work = field(default_factory=Work)
    # This process, as the owner of its reminder claims (app/claims/) and of its
    # outbox leases (app/outbox): one per running bot.
    owner: str = field(default_factory=new_owner)
    # Gaps in the record this process noticed, until the catch-up pass persists them.
    gaps: GapMarks = field(default_factory=GapMarks)
    outbox: OutboxRunner = field(default_factory=OutboxRunner)  # this process's worker
    # Which gateway serves each workspace (issue 16); unset: `slack` serves every one.
    gateways: Gateways | None = None

    @property
    def registry(self) -> Gateways:
        """Which gateway serves each workspace."""
        if self.gateways is None:
            self.gateways = Gateways(self.slack)
        return self.gateways

    async def on(self, team: Workspace | None) -> Deps:
        """These collaborators with the gateway of `team`'s installation (the same ones when
        one token serves every workspace): what a request or a pass does for one workspace."""
        return self.served_by(await self.registry.serving(team))

    def served_by(self, gateway: SlackGateway) -> Deps:
        """These collaborators with `gateway` (the same ones when it is theirs already)."""
        return self if gateway is self.slack else replace(self, slack=gateway)
