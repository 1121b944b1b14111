"""Socket Mode as the double speaks it: connections.open, hello, envelopes, acks, disconnect."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from app.slackdouble import SlackDouble
from app.slackdouble.socket_mode_driver import envelope_of

from .helpers import error_of

APP_TOKEN = "xapp-1-A0CRISIS-1-double-test"


@pytest.fixture
async def slack() -> AsyncIterator[SlackDouble]:
    async with SlackDouble(app_token=APP_TOKEN) as double:
        yield double


async def open_url(slack: SlackDouble, token: str = APP_TOKEN) -> str:
    client = AsyncWebClient(base_url=slack.api_url)
    response = await client.apps_connections_open(app_token=token)
    return str(response["url"])


async def receive(socket: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    message = await socket.receive(timeout=5)
    assert message.type == aiohttp.WSMsgType.TEXT, message
    return json.loads(message.data)


async def test_connections_open_gives_a_one_use_link_url(slack: SlackDouble) -> None:
    url = await open_url(slack)
    parts = urlsplit(url)
    assert (parts.scheme, parts.hostname, parts.path) == ("ws", "127.0.0.1", "/link/")
    query = parse_qs(parts.query)
    assert query["app_id"] == ["A0CRISIS"] and len(query["ticket"][0]) >= 16
    assert slack.calls_to("apps.connections.open")[-1].ok


async def test_connections_open_refuses_the_wrong_tokens(slack: SlackDouble) -> None:
    client = AsyncWebClient(base_url=slack.api_url)
    assert await error_of(client.apps_connections_open(app_token=slack.token)) == (
        "not_allowed_token_type"
    )
    assert await error_of(client.apps_connections_open(app_token="xapp-1-forged")) == (
        "invalid_auth"
    )
    assert await error_of(client.api_call("apps.connections.open")) == "not_authed"
    slack.socket_mode.revoke()
    assert await error_of(client.apps_connections_open(app_token=APP_TOKEN)) == "token_revoked"


async def test_an_app_token_cannot_call_bot_methods(slack: SlackDouble) -> None:
    client = AsyncWebClient(token=APP_TOKEN, base_url=slack.api_url)
    assert await error_of(client.auth_test()) == "not_allowed_token_type"


async def test_hello_then_envelopes_and_acks_with_payloads(slack: SlackDouble) -> None:
    url = await open_url(slack)
    async with aiohttp.ClientSession() as http, http.ws_connect(url) as socket:
        hello = await receive(socket)
        assert hello["type"] == "hello" and hello["num_connections"] == 1
        assert hello["connection_info"] == {"app_id": "A0CRISIS"}
        assert set(hello["debug_info"]) >= {"host", "approximate_connection_time"}
        sent = await slack.socket_mode.send(
            "interactive", {"type": "view_submission"}, accepts_response_payload=True
        )
        envelope = await receive(socket)
        assert envelope == {
            "envelope_id": sent,
            "payload": {"type": "view_submission"},
            "type": "interactive",
            "accepts_response_payload": True,
        }
        answer = {"response_action": "errors", "errors": {"b": "Say more"}}
        await socket.send_str(json.dumps({"envelope_id": sent, "payload": answer}))
        ack = await slack.socket_mode.ack_for(sent, timeout=5)
    assert ack.payload == answer


async def test_events_carry_retry_fields_and_a_ticket_works_once(slack: SlackDouble) -> None:
    url = await open_url(slack)
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(url) as socket:
            await receive(socket)  # hello
            await slack.socket_mode.send(
                "events_api", {"type": "event_callback"}, retry_attempt=1, retry_reason="timeout"
            )
            envelope = await receive(socket)
            assert (envelope["retry_attempt"], envelope["retry_reason"]) == (1, "timeout")
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(url)
    assert refused.value.status == 401


@pytest.mark.parametrize("reason", ["refresh_requested", "link_disabled"])
async def test_disconnect_asks_the_app_to_open_a_new_link(slack: SlackDouble, reason: str) -> None:
    async with aiohttp.ClientSession() as http, http.ws_connect(await open_url(slack)) as socket:
        await receive(socket)
        await slack.socket_mode.wait_connected(timeout=5)
        assert await slack.socket_mode.disconnect(reason) == 1
        message = await receive(socket)
        assert message["type"] == "disconnect" and message["reason"] == reason
        assert message["debug_info"]["host"]
        assert slack.socket_mode.live_links() == []
        if reason == "link_disabled":
            closing = await socket.receive(timeout=5)
            assert closing.type in {aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED}


def test_driver_payloads_become_the_envelopes_slack_sends() -> None:
    command = "command=%2Fcrisis&text=open+X&user_id=U1&trigger_id=1.2"
    assert envelope_of(command, "application/x-www-form-urlencoded") == (
        "slash_commands",
        {"command": "/crisis", "text": "open X", "user_id": "U1", "trigger_id": "1.2"},
        {"accepts_response_payload": True},
    )
    click = "payload=" + json.dumps({"type": "block_actions", "actions": []})
    kind, payload, extra = envelope_of(click, "application/x-www-form-urlencoded")
    assert (kind, payload["type"], extra) == (
        "interactive",
        "block_actions",
        {"accepts_response_payload": False},
    )
    retried = {"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_timeout"}
    event = json.dumps({"type": "event_callback", "event": {"type": "message"}})
    kind, payload, extra = envelope_of(event, "application/json", retried)
    assert kind == "events_api" and payload["event"] == {"type": "message"}
    assert extra == {"retry_attempt": 2, "retry_reason": "http_timeout"}
