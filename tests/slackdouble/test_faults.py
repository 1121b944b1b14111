"""Fault modes of the double, seen through the real slack-sdk AsyncWebClient.

Each test shows what the SDK raises for one kind of fault and whether Slack's side did the
work anyway (the message is in the channel, its event went out), which is what a bot that
retries has to live with.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import ServerDisconnectedError
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.web.async_client import AsyncWebClient

from app.slackdouble import SlackDouble

from .helpers import MARIA

TIMEOUT = 0.3  # the client's; every "late" delay below is longer


def impatient(double: SlackDouble, **options: Any) -> AsyncWebClient:
    """A client that gives up after TIMEOUT (slack-sdk annotates an int; aiohttp takes 0.3)."""
    return AsyncWebClient(
        token=double.token,
        base_url=double.api_url,
        timeout=TIMEOUT,  # type: ignore[arg-type]
        **options,
    )


@pytest.fixture
async def quick(double: SlackDouble) -> AsyncIterator[AsyncWebClient]:
    """A client with a short timeout and no retries: it shows each fault as it arrives."""
    sdk = impatient(double, retry_handlers=[])
    yield sdk
    if sdk.session is not None:
        await sdk.session.close()


@pytest.fixture
def room(double: SlackDouble) -> str:
    return double.add_channel("crisis-acme", members=[double.bot_user_id, MARIA])


def texts(double: SlackDouble, channel: str) -> list[str]:
    return [m.text for m in double.messages(channel)]


def faults_of(double: SlackDouble, method: str) -> list[str | None]:
    return [call.fault for call in double.calls_to(method)]


async def test_rate_limited_answers_429_with_retry_after(
    quick: AsyncWebClient, double: SlackDouble, room: str
) -> None:
    double.fault("chat.postMessage", "rate_limited", times=2, retry_after=3)
    for _ in range(2):
        with pytest.raises(SlackApiError) as raised:
            await quick.chat_postMessage(channel=room, text="update")
        assert raised.value.response.status_code == 429
        assert raised.value.response.headers["Retry-After"] == "3"
        assert raised.value.response["error"] == "ratelimited"
    assert texts(double, room) == []  # refused: no work done
    await quick.chat_postMessage(channel=room, text="update")
    assert texts(double, room) == ["update"]
    assert faults_of(double, "chat.postMessage") == ["rate_limited", "rate_limited", None]
    assert [c.error for c in double.calls_to("chat.postMessage")][:2] == ["ratelimited"] * 2


@pytest.mark.parametrize(("status", "body"), [(500, None), (503, ""), (502, None)])
async def test_server_error_is_a_slack_api_error_with_no_body(
    quick: AsyncWebClient, double: SlackDouble, room: str, status: int, body: str | None
) -> None:
    options: dict[str, Any] = {} if body is None else {"body": body}
    double.fault("chat.postMessage", "server_error", status=status, **options)
    with pytest.raises(SlackApiError) as raised:
        await quick.chat_postMessage(channel=room, text="update")
    # the edge's HTML page is not JSON: slack-sdk keeps the status and an empty body
    assert raised.value.response.status_code == status
    assert raised.value.response.data == {}
    assert texts(double, room) == []
    call = double.calls_to("chat.postMessage")[0]
    assert (call.ok, call.error, call.fault) == (False, None, "server_error")


async def test_hang_times_out_and_does_no_work(
    quick: AsyncWebClient, double: SlackDouble, room: str
) -> None:
    double.fault("chat.postMessage", "hang")
    started = time.perf_counter()
    with pytest.raises(TimeoutError):  # aiohttp's total timeout, not retried by slack-sdk
        await quick.chat_postMessage(channel=room, text="update")
    assert TIMEOUT <= time.perf_counter() - started < TIMEOUT + 0.5
    assert texts(double, room) == []
    assert faults_of(double, "chat.postMessage") == ["hang"]


async def test_a_hanging_call_ends_when_the_double_stops() -> None:
    own = SlackDouble()
    await own.start()
    own.fault("auth.test", "hang")
    patient = AsyncWebClient(token=own.token, base_url=own.api_url, timeout=5, retry_handlers=[])
    waiting = asyncio.create_task(patient.auth_test())
    while not own.calls:  # the call has arrived and hangs
        await asyncio.sleep(0.01)
    started = time.perf_counter()
    await own.stop()
    with pytest.raises(ServerDisconnectedError):
        await waiting
    assert time.perf_counter() - started < 0.5  # stop did not wait for the hanging call


async def test_late_does_the_work_but_the_client_times_out(
    quick: AsyncWebClient, double: SlackDouble, room: str
) -> None:
    events: list[dict[str, Any]] = []

    async def collect(event: dict[str, Any]) -> None:
        events.append(event)

    double.subscribe(collect)
    double.fault("chat.postMessage", "late", delay=0.6)
    with pytest.raises(TimeoutError):
        await quick.chat_postMessage(channel=room, text="update")
    assert texts(double, room) == ["update"]  # Slack posted it; the bot does not know
    await double.settle()
    assert [e["text"] for e in events if e.get("type") == "message"] == ["update"]
    call = double.calls_to("chat.postMessage")[0]
    assert (call.ok, call.fault) == (True, "late")


async def test_late_answer_arrives_for_a_patient_client(
    double: SlackDouble, client: AsyncWebClient, room: str
) -> None:
    double.fault("chat.postMessage", "late", delay=0.2)
    started = time.perf_counter()
    sent = await client.chat_postMessage(channel=room, text="update")
    assert time.perf_counter() - started >= 0.2
    assert sent["message"]["text"] == "update"


async def test_drop_does_the_work_then_disconnects(
    quick: AsyncWebClient, double: SlackDouble, room: str
) -> None:
    double.fault("chat.postMessage", "drop")
    with pytest.raises(ServerDisconnectedError):
        await quick.chat_postMessage(channel=room, text="update")
    assert texts(double, room) == ["update"]
    call = double.calls_to("chat.postMessage")[0]
    assert (call.ok, call.fault) == (True, "drop")


async def test_sdk_retry_of_a_dropped_post_posts_it_twice(double: SlackDouble, room: str) -> None:
    retry = AsyncConnectionErrorRetryHandler(
        interval_calculator=FixedValueRetryIntervalCalculator(0.0)
    )  # slack-sdk's default handler (one retry), without its 0.5 s+ backoff
    sdk = AsyncWebClient(token=double.token, base_url=double.api_url, retry_handlers=[retry])
    double.fault("chat.postMessage", "drop")
    sent = await sdk.chat_postMessage(channel=room, text="update")
    assert sent["ok"] is True
    assert texts(double, room) == ["update", "update"]
    assert faults_of(double, "chat.postMessage") == ["drop", None]


async def test_a_timeout_is_not_retried_by_the_sdk_default_handler(
    double: SlackDouble, room: str
) -> None:
    sdk = impatient(double)  # slack-sdk's default retry handlers
    double.fault("chat.postMessage", "late", delay=0.6)
    with pytest.raises(TimeoutError):
        await sdk.chat_postMessage(channel=room, text="update")
    assert faults_of(double, "chat.postMessage") == ["late"]


async def test_a_fault_for_a_period_ends(
    quick: AsyncWebClient, double: SlackDouble, room: str
) -> None:
    double.fault("chat.postMessage", "server_error", seconds=0.3)
    for _ in range(3):
        with pytest.raises(SlackApiError):
            await quick.chat_postMessage(channel=room, text="update")
    await asyncio.sleep(0.35)
    await quick.chat_postMessage(channel=room, text="update")
    assert faults_of(double, "chat.postMessage") == ["server_error"] * 3 + [None]


async def test_times_counts_down_within_a_period(
    quick: AsyncWebClient, double: SlackDouble
) -> None:
    double.fault("users.info", "error", times=2, seconds=60, error="fatal_error")
    for _ in range(2):
        with pytest.raises(SlackApiError, match="fatal_error"):
            await quick.users_info(user=MARIA)
    assert (await quick.users_info(user=MARIA))["user"]["id"] == MARIA
    assert faults_of(double, "users.info") == ["error", "error", None]


async def test_faults_apply_in_order_and_only_to_their_method(
    quick: AsyncWebClient, double: SlackDouble
) -> None:
    double.rate_limit_next("users.info", retry_after=0)
    double.fail_next("users.info", "fatal_error")
    double.fault("users.info", "server_error")
    await quick.auth_test()  # another method: untouched
    wrong = AsyncWebClient(token="xoxb-wrong", base_url=double.api_url, retry_handlers=[])
    with pytest.raises(SlackApiError, match="invalid_auth"):  # checked before any fault
        await wrong.users_info(user=MARIA)
    for _ in range(3):
        with pytest.raises(SlackApiError):
            await quick.users_info(user=MARIA)
    await quick.users_info(user=MARIA)
    assert faults_of(double, "users.info") == [None, "rate_limited", "error", "server_error", None]


async def test_clear_faults(quick: AsyncWebClient, double: SlackDouble) -> None:
    double.fault("auth.test", "hang", seconds=60)
    double.fault("users.info", "drop", times=5)
    double.clear_faults()
    await quick.auth_test()
    await quick.users_info(user=MARIA)
    assert [call.fault for call in double.calls] == [None, None]


def test_bad_fault_settings_are_refused(double: SlackDouble) -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        double.fault("auth.test", "meltdown")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="5xx"):
        double.fault("auth.test", "server_error", status=404)
    with pytest.raises(ValueError, match="times"):
        double.fault("auth.test", "drop", times=0)
    with pytest.raises(ValueError, match="seconds"):
        double.fault("auth.test", "drop", seconds=0)
    with pytest.raises(TypeError, match="unknown fault options"):
        double.fault("auth.test", "late", dealy=2.0)  # type: ignore[call-arg]
