"""The bot and the Slack test double in one process: what tests, the demo and benches run."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from app.clock import Clock, FakeClock
from app.harness.seed import GENERAL, PEOPLE, Person
from app.main import CrisisRoom, create_app
from app.settings import Settings, load_settings
from app.slackdouble import SlackDouble, SlackDriver
from app.slackdouble.socket_mode_driver import SocketModeDriver
from app.socket_mode import open_socket_mode
from app.store.engine import SessionFactory
from app.web import EVENTS_PATH, web_app

SIGNING_SECRET = "test-signing-secret-8f1c"
BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-1-A0CRISIS-1-test-app-token"


@dataclass
class Harness:
    double: SlackDouble
    driver: SlackDriver
    room: CrisisRoom
    clock: Clock
    runner: web.AppRunner
    general: str
    socket: AsyncSocketModeHandler | None = None

    @property
    def http_url(self) -> str:
        """Where the bot's HTTP server listens (http://127.0.0.1:port)."""
        host, port = self.runner.addresses[0][:2]
        return f"http://{host}:{port}"

    @property
    def settings(self) -> Settings:
        return self.room.deps.settings

    @property
    def db(self) -> SessionFactory:
        return self.room.deps.db

    async def settle(self, timeout: float = 60.0) -> None:
        """Wait until every listener still working after its ack, and every background job
        the bot started (Home tab refreshes, record recovery), has finished. The timeout is
        only a bound: charts are drawn in a child process, slow on a loaded machine."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.room.idle:
                await asyncio.sleep(0)  # anything just scheduled gets to start
                if self.room.idle:
                    return
            await asyncio.sleep(0.005)
        raise TimeoutError("the bot was still busy after its acks")

    async def settle_all(self, timeout: float = 60.0) -> None:
        """Until the double has delivered every event, the bot has finished with each, and that
        work caused no new events: what happens one after another in Slack then reaches the
        record in that order, on every run."""
        deadline = time.monotonic() + timeout
        while True:
            await asyncio.wait_for(self.double.settle(), max(deadline - time.monotonic(), 0.001))
            await self.settle(timeout=max(deadline - time.monotonic(), 0.001))
            if self.double.ws.bus.idle:
                return

    async def until(self, condition: Callable[[], object], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("condition never held")
            await asyncio.sleep(0.005)

    async def stop(self) -> None:
        await self.driver.close()
        if self.socket is not None:
            await self.socket.close_async()
        await self.runner.cleanup()
        await self.room.stop()
        await self.double.stop()


async def start_harness(
    *,
    database_url: str,
    clock: Clock | None = None,
    people: Iterable[Person] = PEOPLE,
    latency: float = 0.0,
    admins: Iterable[str] = (),
    session_factory: SessionFactory | None = None,
    socket_mode: bool = False,
    seed: int | None = None,
    install: Callable[[SlackDouble], str] | None = None,
    oauth: bool = False,
    **overrides: object,
) -> Harness:
    """The bot against a fresh Slack double. Reminders run only when the caller ticks
    (CRISIS_TICK_SECONDS=0) unless `overrides` say otherwise. With `socket_mode`, the bot
    connects over the double's Socket Mode link and its HTTP server serves only /healthz.
    A `seed` makes every id the double invents the same on every run (default: random).
    `install` shapes the double further (more workspaces, a Grid org) and returns the bot token
    the bot runs with (default: the first workspace's). With `oauth`, the bot has no token:
    it is installed for many workspaces by OAuth, and each workspace installs it
    (app/harness/oauth.py's `install_by_oauth`)."""
    double = SlackDouble(token=BOT_TOKEN, latency=0.0, app_token=APP_TOKEN, seed=seed)
    for person in people:
        double.add_user(person.id, person.handle, person.name, is_admin=person.is_admin)
    general = double.add_channel(GENERAL, members=[p.id for p in people])
    token = install(double) if install is not None else BOT_TOKEN
    await double.start()
    credentials: dict[str, object] = {"SLACK_BOT_TOKEN": token}
    if oauth:
        credentials = {
            "SLACK_CLIENT_ID": double.client_id,
            "SLACK_CLIENT_SECRET": double.client_secret,
        }
    settings = load_settings(
        **credentials,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=double.api_url,
        SLACK_APP_TOKEN=APP_TOKEN if socket_mode else None,
        DATABASE_URL=database_url,
        CRISIS_ADMINS=",".join(admins),
        **{"CRISIS_TICK_SECONDS": 0, **overrides},
    )
    room = create_app(settings, clock=clock or FakeClock(), session_factory=session_factory)
    room.deps.home.delay = 0
    await room.start()
    runner = web.AppRunner(web_app(room), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    driver = SlackDriver(double, f"http://{host}:{port}{EVENTS_PATH}", SIGNING_SECRET)
    socket = None
    if socket_mode:
        socket = await open_socket_mode(room, app_token=APP_TOKEN, api_url=double.api_url)
        await double.socket_mode.wait_connected()
        driver = SocketModeDriver(double)
    double.latency = latency
    return Harness(double, driver, room, room.deps.clock, runner, general, socket)
