"""users.info is single-flight and cached; the Web API client shares one HTTP session."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from aiohttp import ClientSession
from slack_sdk.web.async_client import AsyncWebClient

from app.clock import FakeClock
from app.slack.gateway_core import GatewayCore, make_client
from app.slackdouble import SlackDouble

from .helpers import JAMES, MARIA


async def test_fifty_concurrent_lookups_make_one_call(
    double: SlackDouble, client: AsyncWebClient
) -> None:
    clock = FakeClock()
    core = GatewayCore(client, clock)
    found = await asyncio.gather(*(core.user(MARIA) for _ in range(50)))
    assert {user.name if user else None for user in found} == {"maria"}
    assert len(double.calls_to("users.info")) == 1
    await asyncio.gather(*(core.user(who) for who in [MARIA, JAMES] * 25))
    assert [call.args.get("user") for call in double.calls_to("users.info")] == [MARIA, JAMES]


async def test_the_cache_expires_and_unknown_users_are_none(
    double: SlackDouble, client: AsyncWebClient
) -> None:
    clock = FakeClock()
    core = GatewayCore(client, clock)
    assert await core.user(MARIA) is not None
    clock.advance(timedelta(minutes=11))
    missing = await asyncio.gather(*(core.user("U0NOBODY") for _ in range(10)))
    assert await core.user(MARIA) is not None
    assert missing == [None] * 10
    assert [call.args.get("user") for call in double.calls_to("users.info")] == [
        MARIA,
        "U0NOBODY",
        MARIA,
    ]


async def test_one_http_session_for_every_call(double: SlackDouble) -> None:
    clock = FakeClock()
    client = make_client(token=double.token, base_url=double.api_url)
    core = GatewayCore(client, clock)
    await core.open_http()
    session = client.session
    assert session is not None and not session.closed
    await core.identify()
    await core.user(MARIA)
    assert client.session is session and len(double.calls) >= 2
    await core.close_http()
    assert session.closed and client.session is None
    assert (await core.user(JAMES)) is not None  # after stop, slack-sdk's per-call sessions


async def test_a_session_the_client_came_with_is_left_alone(double: SlackDouble) -> None:
    async with ClientSession() as own:
        client = AsyncWebClient(token=double.token, base_url=double.api_url, session=own)
        core = GatewayCore(client, FakeClock())
        await core.open_http()
        assert await core.user(MARIA) is not None
        await core.close_http()
        assert client.session is own and not own.closed
