"""The composition root: builds the whole bot from settings and its collaborators.

Everything is connected here, explicitly: the record's after-flush hook on the session
factory, the Home tab publisher on the refresher, the final export on resolve. Importing a
module never wires anything.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from sqlalchemy.ext.asyncio import AsyncEngine

import app.models  # noqa: F401  (every table known, so a retention purge finds all of an incident)
from app.approvals.policy import load_policy
from app.clock import Clock, SystemClock
from app.flows import approval_reminders, metric_alerts, one_statement
from app.flows.catch_up import JOB_ID as CATCH_UP_JOB
from app.flows.catch_up import CatchUp, catch_up_seconds
from app.flows.checkpoints import JOB_ID as CHECKPOINTS_JOB
from app.flows.checkpoints import post_checkpoints
from app.flows.deps import Deps
from app.flows.home import refresh_homes
from app.flows.home_refresher import HomeRefresher
from app.flows.outbox_worker import JOB_ID as OUTBOX_JOB
from app.flows.outbox_worker import adopt_missing as adopt_missing_copies
from app.flows.outbox_worker import work as outbox_work
from app.flows.reconcile import start_recovery, stop_recovery
from app.flows.record_export import export_to_channel
from app.flows.reminder_pass import (
    HEARTBEAT_JOB_ID,
    HEARTBEAT_SECONDS,
    adopt_unscheduled,
    heartbeat,
)
from app.flows.reminder_pass import JOB_ID as REMINDERS_JOB
from app.flows.reminder_pass import PASSES_AT_ONCE as REMINDER_PASSES_AT_ONCE
from app.flows.reminder_pass import tick as remind_due
from app.flows.retention import JOB_ID as RETENTION_JOB
from app.flows.retention import purge_expired
from app.flows.workspaces import adopt_teamless_rows
from app.periodic import PeriodicPass
from app.playbooks.load import load_playbooks
from app.record.hook import install_record_hook
from app.settings import Settings
from app.slack.ack_after_mark import AfterGate
from app.slack.authorize import GatewayAuthorize
from app.slack.clean_input import CleanInput
from app.slack.gateway import SlackGateway
from app.slack.gateway_core import make_client
from app.slack.gateways import Gateways, Installed
from app.slack.listeners import register
from app.slack.listeners.bolt_app import CrisisBolt, InjectDeps
from app.slack.oauth import INSTALL_PATH, installation_store, oauth_flow
from app.store.engine import SessionFactory, make_engine, make_session_factory
from app.store.migrate_child import migrate
from app.store.trouble import database_trouble

if TYPE_CHECKING:  # a client can be given; only the gateway calls it
    from slack_sdk.web.async_client import AsyncWebClient

logger = logging.getLogger(__name__)


class CrisisRoom:
    """The running bot: Bolt app, collaborators, and its start/stop life cycle."""

    def __init__(self, bolt: CrisisBolt, deps: Deps, engine: AsyncEngine) -> None:
        self.bolt = bolt
        self.deps = deps
        self.engine = engine
        self.ready = False
        seconds = deps.settings.tick_seconds

        def every(
            seconds: float, work: Callable[[], Awaitable[int]], job: str, at_once: int = 1
        ) -> PeriodicPass:
            return PeriodicPass(  # a database outage is one line a pass, not a traceback
                deps.scheduler,
                work,
                job_id=job,
                seconds=seconds,
                at_once=at_once,
                outage=database_trouble,
            )

        # Update nudges and escalations (leased: passes may overlap).
        self.reminders = every(
            seconds, lambda: remind_due(deps), REMINDERS_JOB, REMINDER_PASSES_AT_ONCE
        )
        # Approval reminders and backup escalations (issue 14; leased like the above).
        self.approval_reminders = every(
            seconds,
            lambda: approval_reminders.tick(deps),
            approval_reminders.JOB_ID,
            REMINDER_PASSES_AT_ONCE,
        )
        # Metric thresholds crossed: alerts, escalations (issue 15; leased like the above).
        self.metric_alerts = every(
            seconds, lambda: metric_alerts.tick(deps), metric_alerts.JOB_ID, REMINDER_PASSES_AT_ONCE
        )
        self.checkpoints = every(  # record hashes to CRISIS_CHECKPOINT_CHANNEL
            seconds if deps.settings.checkpoint_channel else 0,
            lambda: post_checkpoints(deps),
            CHECKPOINTS_JOB,
        )
        self.retention = every(  # purges resolved incidents past CRISIS_RETENTION_DAYS
            retention_seconds(deps.settings), lambda: purge_expired(deps), RETENTION_JOB
        )
        self.gap_closer = CatchUp(deps)  # closes gaps in the record (issue 13)
        self.catch_up = every(
            catch_up_seconds(deps.settings.tick_seconds), self.gap_closer.run, CATCH_UP_JOB
        )
        # This process's reminder claims are alive (issue 13).
        self.heartbeat = every(HEARTBEAT_SECONDS, lambda: heartbeat(deps), HEARTBEAT_JOB_ID)
        # Copies Slack shows that are behind (leased: passes may overlap).
        self.outbox = every(seconds, lambda: outbox_work(deps), OUTBOX_JOB, at_once=2)
        self.recovery: asyncio.Task[int] | None = None

    @property
    def idle(self) -> bool:
        """Nothing the bot started is still running: no listener after its ack, no Home tab
        refresh, no record recovery."""
        return self.deps.work.idle and self.deps.home.idle

    async def start(self, *, migrate_apart: bool = False) -> None:
        """Migrate, then start. `migrate_apart` (the server) migrates in a child process, so
        Alembic never loads in this one (issue 12: ~12 MB resident for good)."""
        await migrate(self.engine, apart=migrate_apart)
        await self.deps.registry.open_http()  # one HTTP session for every Web API call
        who = "installed by OAuth in each workspace"
        if not self.deps.settings.oauth:  # the one token: who the bot is, from auth.test
            who = str((await self.deps.slack.identify()).get("user"))
            await adopt_teamless_rows(self.deps)  # rows older than their team column (issue 16)
        await adopt_unscheduled(self.deps)  # (rolling upgrades: see the README's "Upgrades")
        await adopt_missing_copies(self.deps)
        self.heartbeat.start()
        self.reminders.start()  # its first tick catches up on anything missed while down
        self.approval_reminders.start()
        self.metric_alerts.start()
        self.checkpoints.start()
        self.retention.start()
        self.catch_up.start()
        self.outbox.start()
        if not self.deps.scheduler.running:
            self.deps.scheduler.start()
        self.ready = True
        self.recovery = start_recovery(self.deps)  # the legal record catches up
        logger.info("Crisis Room is ready as %s", who)

    async def tick(self) -> int:
        """Send the update reminders due now, then the record checkpoints owed, then purge
        what is past retention, then close gaps in the record (the scheduler runs each;
        tests call this)."""
        due = await self.reminders.run()
        await self.approval_reminders.run()
        await self.metric_alerts.run()
        await self.checkpoints.run()
        await self.retention.run()
        await self.catch_up.run()
        await self.outbox.run()  # copies still behind (retries, a dead process's leases)
        return due

    async def stop(self) -> None:
        self.ready = False
        await self.reminders.stop()
        await self.heartbeat.stop()
        await self.approval_reminders.stop()
        await self.metric_alerts.stop()
        await self.checkpoints.stop()
        await self.retention.stop()
        await self.catch_up.stop()
        await self.outbox.stop()
        await stop_recovery(self.recovery)
        await self.deps.db.close_writers()  # what was queued commits first
        if self.deps.scheduler.running:
            self.deps.scheduler.shutdown(wait=False)
        await self.deps.registry.close_http()
        await self.engine.dispose()


NOT_INSTALLED_HERE = (
    "Crisis Room is not installed in this workspace (or was removed from it): an admin can "
    f"install it from the bot's install page ({INSTALL_PATH} on the bot's server)."
)
RETENTION_EVERY_SECONDS = 60.0  # a purge is never urgent: once a minute is plenty


def retention_seconds(settings: Settings) -> float:
    """How often the retention pass runs: never while retention is off or ticks are off."""
    if settings.retention_days is None or settings.tick_seconds <= 0:
        return 0
    return max(settings.tick_seconds, RETENTION_EVERY_SECONDS)


async def _final_export(deps: Deps, incident_id: int, by: str) -> None:
    """Resolving an incident uploads its complete record to the war room."""
    await export_to_channel(deps, incident_id, by=by)


def _bolt(settings: Settings, deps: Deps, install: AsyncOAuthFlow | None) -> CrisisBolt:
    secret = settings.slack_signing_secret
    bolt = CrisisBolt(
        client=deps.slack.bolt_client(),
        signing_secret=secret.get_secret_value() if secret else "",
        authorize=GatewayAuthorize(deps.registry),  # the token serving the request's workspace
        oauth_flow=install,  # installing for many workspaces (None: SLACK_BOT_TOKEN)
        user_facing_authorize_error_message=NOT_INSTALLED_HERE,
        # HTTP: app/web.py's gate is the one signature check, before Bolt; AfterGate refuses
        # an HTTP request that did not pass it (Socket Mode: Slack's own WebSocket)
        request_verification_enabled=False,
        before_authorize=AfterGate(),  # and a command's or click's ack waits for its mark
        process_before_response=False,
        ignoring_self_events_enabled=False,  # the legal record keeps the bot's own posts
        logger=logging.getLogger("app.bolt"),
    )
    bolt.use(CleanInput())
    bolt.use(InjectDeps(deps))
    register(bolt)
    return bolt


def create_app(
    settings: Settings,
    *,
    client: AsyncWebClient | None = None,
    session_factory: SessionFactory | None = None,
    clock: Clock | None = None,
    scheduler: AsyncIOScheduler | None = None,
) -> CrisisRoom:
    clock = clock or SystemClock()
    if session_factory is None:
        session_factory = make_session_factory(make_engine(settings.database_url))
    install_record_hook(session_factory)  # every audit row also lands in the legal record
    gateways, install = _gateways(settings, session_factory, clock, client)

    async def publish_tabs(user_ids: frozenset[str] | None) -> None:
        await refresh_homes(deps, user_ids)

    deps = Deps(
        settings=settings,
        slack=gateways.default,
        gateways=gateways,
        db=session_factory,
        clock=clock,
        scheduler=scheduler or AsyncIOScheduler(timezone="UTC"),
        policy=load_policy(settings.policy_file),
        playbooks=load_playbooks(settings.playbook_file),  # every mistake named, one a line
        home=HomeRefresher(publish_tabs),
    )
    deps.on_resolved.append(_final_export)
    one_statement.attach(session_factory.writer, deps.record.heads)  # (PostgreSQL's writer)
    return CrisisRoom(_bolt(settings, deps, install), deps, session_factory.engine)


def _gateways(
    settings: Settings, db: SessionFactory, clock: Clock, client: AsyncWebClient | None
) -> tuple[Gateways, AsyncOAuthFlow | None]:
    """SLACK_BOT_TOKEN: one gateway for every request. Else each workspace's installation's
    gateway, and the OAuth flow that installs it."""
    api_url = settings.slack_api_url
    if settings.slack_bot_token is not None:
        token = settings.slack_bot_token.get_secret_value()
        return Gateways(
            SlackGateway(client or make_client(token=token, base_url=api_url), clock)
        ), None
    store = installation_store(settings, db.engine)
    return Installed(store, api_url=api_url, clock=clock), oauth_flow(settings, store, db, clock)
