"""Auth, argument encodings, recording, injected failures, rate limits and latency."""

from __future__ import annotations

import json
import random
import time

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from app.slackdouble import SlackDouble

from .helpers import MARIA, error_of, section


async def test_auth_test_and_bad_tokens(client: AsyncWebClient, double: SlackDouble) -> None:
    me = await client.auth_test()
    assert (me["user_id"], me["user"], me["bot_id"]) == ("U0BOT", "crisisroom", "B0BOT")
    assert me["team_id"] == "T0CRISIS"
    wrong = AsyncWebClient(token="xoxb-wrong", base_url=double.api_url)
    assert await error_of(wrong.auth_test()) == "invalid_auth"
    anonymous = AsyncWebClient(base_url=double.api_url)
    assert await error_of(anonymous.api_call("auth.test")) == "not_authed"
    assert await error_of(client.api_call("chat.teleport")) == "unknown_method"


async def test_form_encoded_blocks_and_recording(
    client: AsyncWebClient, double: SlackDouble
) -> None:
    blocks = [section("*Sev1*")]
    sent = await client.api_call(
        "chat.postMessage", data={"channel": MARIA, "text": "t", "blocks": json.dumps(blocks)}
    )
    assert sent["message"]["blocks"][0]["text"]["text"] == "*Sev1*"
    await client.api_call("users.info", http_verb="GET", params={"user": MARIA})
    calls = double.calls_to("chat.postMessage")
    assert len(calls) == 1
    assert calls[0].ok is True
    assert calls[0].args["blocks"][0]["type"] == "section"
    assert [c.method for c in double.calls][-1] == "users.info"


async def test_users_info_and_list(client: AsyncWebClient) -> None:
    user = (await client.users_info(user=MARIA))["user"]
    assert user["real_name"] == "Maria Rodriguez"
    assert user["profile"]["display_name"] == "maria"
    assert user["is_admin"] is True
    assert await error_of(client.users_info(user="U0NOPE")) == "user_not_found"
    first = await client.users_list(limit=2)
    rest = await client.users_list(cursor=first["response_metadata"]["next_cursor"])
    ids = [u["id"] for u in first["members"] + rest["members"]]
    assert ids == ["U0BOT", MARIA, "U0JAMES", "U0GONE"]


async def test_fail_next(client: AsyncWebClient, double: SlackDouble) -> None:
    double.fail_next("chat.postMessage", "fatal_error", times=2)
    assert await error_of(client.chat_postMessage(channel=MARIA, text="a")) == "fatal_error"
    assert await error_of(client.chat_postMessage(channel=MARIA, text="a")) == "fatal_error"
    await client.chat_postMessage(channel=MARIA, text="a")
    assert [c.error for c in double.calls_to("chat.postMessage")] == [
        "fatal_error",
        "fatal_error",
        None,
    ]


async def test_rate_limit_is_retried_by_sdk_handler(
    double: SlackDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(random, "random", lambda: 0.0)  # the handler's jitter, not slack-sdk
    client = AsyncWebClient(
        token=double.token,
        base_url=double.api_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=2)],
    )
    double.rate_limit_next("chat.postMessage", times=2, retry_after=0)
    sent = await client.chat_postMessage(channel=MARIA, text="eventually")
    assert sent["ok"] is True
    assert [c.error for c in double.calls_to("chat.postMessage")] == [
        "ratelimited",
        "ratelimited",
        None,
    ]


async def test_rate_limit_without_handler(client: AsyncWebClient, double: SlackDouble) -> None:
    double.rate_limit_next("users.info", retry_after=7)
    with pytest.raises(SlackApiError) as raised:
        await client.users_info(user=MARIA)
    response = raised.value.response
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert response["error"] == "ratelimited"


async def test_latency_is_adjustable(client: AsyncWebClient, double: SlackDouble) -> None:
    double.latency = 0.05
    started = time.perf_counter()
    await client.auth_test()
    assert time.perf_counter() - started >= 0.05
    double.latency = 0.0
