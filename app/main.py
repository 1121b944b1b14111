"""The composition root: builds the whole bot from settings and its collaborators."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from app.approvals.policy import load_policy
from app.clock import Clock, SystemClock
from app.flows.checkpoints import JOB_ID as CHECKPOINTS_JOB
from app.flows.checkpoints import post_checkpoints
from app.flows.deps import Deps
from app.flows.reconcile import start_recovery, stop_recovery
from app.flows.record_export import export_to_channel
from app.flows.reminder_pass import JOB_ID as REMINDERS_JOB
from app.flows.reminder_pass import tick as remind_due
from app.periodic import PeriodicPass
from app.settings import Settings
from app.slack.clean_input import clean_input
from app.slack.gateway import SlackGateway
from app.slack.listeners import register
from app.slack.users import UserDirectory
from app.store.engine import SessionFactory, make_engine, make_session_factory
from app.store.migrate import upgrade

logger = logging.getLogger(__name__)


def make_client(settings: Settings) -> AsyncWebClient:
    return AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        timeout=30,
        retry_handlers=[
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


class CrisisRoom:
    """The running bot: Bolt app, collaborators, and its start/stop life cycle."""

    def __init__(self, bolt: AsyncApp, deps: Deps, engine: AsyncEngine) -> None:
        self.bolt = bolt
        self.deps = deps
        self.engine = engine
        self.ready = False
        self.auth: AuthorizeResult | None = None
        seconds = deps.settings.tick_seconds
        self.reminders = PeriodicPass(  # update nudges and escalations
            deps.scheduler, lambda: remind_due(deps), job_id=REMINDERS_JOB, seconds=seconds
        )
        self.checkpoints = PeriodicPass(  # record hashes to CRISIS_CHECKPOINT_CHANNEL
            deps.scheduler,
            lambda: post_checkpoints(deps),
            job_id=CHECKPOINTS_JOB,
            seconds=seconds if deps.settings.checkpoint_channel else 0,
        )
        self.recovery: asyncio.Task[int] | None = None

    async def start(self) -> None:
        await upgrade(self.engine)
        identity = await self.deps.slack.identify()
        self.auth = AuthorizeResult(
            enterprise_id=identity.get("enterprise_id"),
            team_id=identity.get("team_id"),
            bot_token=self.deps.slack.client.token,
            bot_id=identity.get("bot_id"),
            bot_user_id=identity.get("user_id"),
        )
        self.reminders.start()  # its first tick catches up on anything missed while down
        self.checkpoints.start()
        if not self.deps.scheduler.running:
            self.deps.scheduler.start()
        self.ready = True
        self.recovery = start_recovery(self.deps)  # the legal record catches up
        logger.info("Crisis Room is ready as %s", identity.get("user"))

    async def tick(self) -> int:
        """Send the update reminders due now, then the record checkpoints owed (the scheduler
        runs both; tests call this)."""
        due = await self.reminders.run()
        await self.checkpoints.run()
        return due

    async def stop(self) -> None:
        self.ready = False
        await self.reminders.stop()
        await self.checkpoints.stop()
        await stop_recovery(self.recovery)
        if self.deps.scheduler.running:
            self.deps.scheduler.shutdown(wait=False)
        await self.engine.dispose()


def _tokenless(client: AsyncWebClient) -> AsyncWebClient:
    """Bolt's own client: same endpoint and retries; its token comes from `authorize`."""
    return AsyncWebClient(
        base_url=client.base_url, timeout=client.timeout, retry_handlers=client.retry_handlers
    )


async def _final_export(deps: Deps, incident_id: int, by: str) -> None:
    """Resolving an incident uploads its complete record to the war room."""
    await export_to_channel(deps, incident_id, by=by)


def create_app(
    settings: Settings,
    *,
    client: AsyncWebClient | None = None,
    session_factory: SessionFactory | None = None,
    clock: Clock | None = None,
    scheduler: AsyncIOScheduler | None = None,
) -> CrisisRoom:
    client = client or make_client(settings)
    clock = clock or SystemClock()
    if session_factory is None:
        session_factory = make_session_factory(make_engine(settings.database_url))
    engine = session_factory.kw["bind"]
    gateway = SlackGateway(client, UserDirectory(client, clock))
    deps = Deps(
        settings=settings,
        slack=gateway,
        db=session_factory,
        clock=clock,
        scheduler=scheduler or AsyncIOScheduler(timezone="UTC"),
        policy=load_policy(settings.policy_file),
    )
    holder: list[CrisisRoom] = []

    async def authorize(context: Any) -> AuthorizeResult:
        """The auth.test result cached at start, so no request waits on Slack before ack."""
        auth = holder[0].auth if holder else None
        if auth is None:
            raise RuntimeError("Crisis Room has not started")
        return auth

    async def inject_deps(context: Any, next: Any) -> None:
        context["deps"] = deps
        await next()

    secret = settings.slack_signing_secret
    bolt = AsyncApp(
        client=_tokenless(client),
        signing_secret=secret.get_secret_value() if secret else "",
        authorize=authorize,
        request_verification_enabled=True,  # never off; Bolt skips socket_mode requests
        process_before_response=False,
        ignoring_self_events_enabled=False,  # the legal record keeps the bot's own posts
        logger=logging.getLogger("app.bolt"),
    )
    deps.on_resolved.append(_final_export)
    bolt.use(clean_input)
    bolt.use(inject_deps)
    register(bolt)
    holder.append(CrisisRoom(bolt, deps, engine))
    return holder[0]
