"""A real Bolt AsyncApp driven end to end: command → modal → channel → button → events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from app.slackdouble import SlackDouble, SlackDriver

from .helpers import MARIA, section

SECRET = "bolt-signing-secret"
DECLARE_MODAL = {
    "type": "modal",
    "callback_id": "declare",
    "title": {"type": "plain_text", "text": "Declare"},
    "submit": {"type": "plain_text", "text": "Declare"},
    "blocks": [
        {
            "type": "input",
            "block_id": "name",
            "label": {"type": "plain_text", "text": "Short name"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        }
    ],
}
APPROVE = {
    "type": "actions",
    "elements": [
        {"type": "button", "action_id": "approve", "text": {"type": "plain_text", "text": "OK"}}
    ],
}


def build_app(double: SlackDouble, heard: list[dict[str, Any]]) -> AsyncApp:
    client = AsyncWebClient(token=double.token, base_url=double.api_url)
    app = AsyncApp(client=client, signing_secret=SECRET, process_before_response=True)

    @app.command("/crisis")
    async def declare(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.views_open(trigger_id=body["trigger_id"], view=DECLARE_MODAL)

    @app.view("declare")
    async def submitted(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        name = body["view"]["state"]["values"]["name"]["value"]["value"]
        channel = (await client.conversations_create(name=f"crisis-{name}"))["channel"]["id"]
        await client.conversations_invite(channel=channel, users=body["user"]["id"])
        await client.chat_postMessage(
            channel=channel, text="Declared", blocks=[section("Declared"), APPROVE]
        )

    @app.action("approve")
    async def approved(ack: Any, respond: Any) -> None:
        await ack()
        await respond(replace_original=True, text="Approved")

    @app.event("message")
    async def message(event: dict[str, Any]) -> None:
        heard.append(event)

    return app


@pytest.fixture
async def bolt_url(double: SlackDouble) -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    heard: list[dict[str, Any]] = []
    runner = web.AppRunner(build_app(double, heard).web_app(), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events", heard
    await runner.cleanup()


async def test_bolt_app_round_trip(
    double: SlackDouble, bolt_url: tuple[str, list[dict[str, Any]]]
) -> None:
    url, heard = bolt_url
    lobby = double.add_channel("lobby", members=[MARIA, double.bot_user_id])
    driver = SlackDriver(double, url, SECRET)
    try:
        assert (await driver.command(MARIA, "", channel_id=lobby)).status == 200
        assert len(double.open_views(MARIA)) == 1
        assert (await driver.submit_view(MARIA, {"name": "acme"})).status == 200
        assert double.open_views(MARIA) == []
        channel = double.channel_by_name("crisis-acme")
        assert channel is not None
        [posted] = double.messages(channel.id)
        await driver.click(MARIA, "approve", channel_id=channel.id, message_ts=posted.ts)
        assert double.messages(channel.id)[0].text == "Approved"
        driver.forward_events()
        double.post_as(MARIA, channel.id, "Press is calling")
        await double.settle()
        assert [e["text"] for e in heard if e.get("user") == MARIA] == ["Press is calling"]
    finally:
        await driver.close()
