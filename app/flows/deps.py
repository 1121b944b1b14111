"""The collaborators every listener and flow needs, built once by the composition root."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from app.approvals.policy import ApprovalPolicy
from app.clock import Clock
from app.flows.home_refresher import HomeRefresher
from app.locks import KeyedLocks
from app.settings import Settings
from app.slack.gateway import SlackGateway
from app.store.engine import SessionFactory

ResolvedHook = Callable[["Deps", int, str], Awaitable[None]]


@dataclass
class Deps:
    settings: Settings
    slack: SlackGateway
    db: SessionFactory
    clock: Clock
    scheduler: AsyncIOScheduler
    policy: ApprovalPolicy
    card_locks: KeyedLocks = field(default_factory=KeyedLocks)
    # Run after an incident is resolved, with (deps, incident_id, resolved_by): the final export.
    on_resolved: list[ResolvedHook] = field(default_factory=list)
    home: HomeRefresher = field(default_factory=HomeRefresher)
