"""Fixtures: a started SlackDouble with a few people, and a real slack-sdk client on it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient

from app.slackdouble import SlackDouble, SlackDriver

from .fakebot import SECRET, FakeBot
from .helpers import GONE, JAMES, MARIA, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def double(clock: FakeClock) -> AsyncIterator[SlackDouble]:
    slack = SlackDouble(clock=clock)
    slack.add_user(MARIA, "maria", "Maria Rodriguez", is_admin=True)
    slack.add_user(JAMES, "james", "James Chen")
    slack.add_user(GONE, "gone", "Former Employee", deleted=True)
    await slack.start()
    yield slack
    await slack.stop()


@pytest.fixture
async def client(double: SlackDouble) -> AsyncIterator[AsyncWebClient]:
    sdk = AsyncWebClient(token=double.token, base_url=double.api_url)
    yield sdk
    if sdk.session is not None:
        await sdk.session.close()


@pytest.fixture
async def bot() -> AsyncIterator[tuple[FakeBot, str]]:
    fake = FakeBot()
    app = web.Application()
    app.router.add_post("/slack/events", fake.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    yield fake, f"http://127.0.0.1:{port}/slack/events"
    await runner.cleanup()


@pytest.fixture
async def driver(double: SlackDouble, bot: tuple[FakeBot, str]) -> AsyncIterator[SlackDriver]:
    slack = SlackDriver(double, bot[1], SECRET)
    yield slack
    await slack.close()
