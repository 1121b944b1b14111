"""SlackDriver against a tiny bot endpoint that verifies signatures like Bolt does."""

from __future__ import annotations

import time

import pytest
from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient

from app.slackdouble import SlackDouble, SlackDriver

from .fakebot import FakeBot
from .helpers import JAMES, MARIA, section


async def test_command_is_signed_form_like_slack(
    double: SlackDouble, driver: SlackDriver, bot: tuple[FakeBot, str], client: AsyncWebClient
) -> None:
    channel = double.add_channel("general", members=[MARIA, double.bot_user_id])
    response = await driver.command(MARIA, "declare Data leak", channel_id=channel)
    assert response.status == 200
    assert response.elapsed > 0
    form = bot[0].received[0]
    assert form["command"] == "/crisis"
    assert form["text"] == "declare Data leak"
    assert (form["user_id"], form["user_name"]) == (MARIA, "maria")
    assert (form["channel_id"], form["channel_name"]) == (channel, "general")
    assert form["team_id"] == "T0CRISIS"
    assert form["is_enterprise_install"] == "false"
    assert form["response_url"].startswith(double.base_url + "/response/")
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Declare"}, "blocks": []}
    await client.views_open(trigger_id=form["trigger_id"], view=modal)
    assert len(double.open_views(MARIA)) == 1


async def test_bad_signatures_are_rejected(driver: SlackDriver) -> None:
    forged = await driver.post_raw("command=%2Fcrisis", signature="v0=" + "0" * 64)
    assert forged.status == 401
    stale = await driver.post_raw("command=%2Fcrisis", timestamp=int(time.time()) - 600)
    assert stale.status == 401
    good = await driver.post_raw("command=%2Fcrisis")
    assert good.status == 200


async def test_click_builds_block_actions_from_stored_message(
    double: SlackDouble, driver: SlackDriver, bot: tuple[FakeBot, str], client: AsyncWebClient
) -> None:
    buttons = {
        "type": "actions",
        "block_id": "decide",
        "elements": [
            {
                "type": "button",
                "action_id": "approve",
                "value": "stmt-1",
                "text": {"type": "plain_text", "text": "Approve"},
                "style": "primary",
            }
        ],
    }
    sent = await client.chat_postMessage(
        channel=MARIA, text="Approve?", blocks=[section("Approve?"), buttons]
    )
    await driver.click(MARIA, "approve", channel_id=sent["channel"], message_ts=sent["ts"])
    payload = bot[0].received[0]
    assert payload["type"] == "block_actions"
    assert payload["user"]["id"] == MARIA
    assert payload["container"] == {
        "type": "message",
        "message_ts": sent["ts"],
        "channel_id": sent["channel"],
        "is_ephemeral": False,
    }
    assert payload["message"]["text"] == "Approve?"
    assert payload["channel"]["id"] == sent["channel"]
    assert payload["response_url"].startswith(double.base_url)
    [action] = payload["actions"]
    assert (action["action_id"], action["block_id"], action["value"]) == (
        "approve",
        "decide",
        "stmt-1",
    )
    assert action["text"]["text"] == "Approve"
    with pytest.raises(AssertionError, match="reject"):
        await driver.click(MARIA, "reject", channel_id=sent["channel"], message_ts=sent["ts"])


async def test_click_on_home_tab(
    double: SlackDouble, driver: SlackDriver, bot: tuple[FakeBot, str], client: AsyncWebClient
) -> None:
    button = {"type": "button", "action_id": "open", "text": {"type": "plain_text", "text": "Go"}}
    home = {"type": "home", "blocks": [{**section("Hi"), "accessory": button}]}
    await client.views_publish(user_id=JAMES, view=home)
    await driver.click(JAMES, "open")
    payload = bot[0].received[0]
    assert payload["container"]["type"] == "view"
    assert payload["view"]["type"] == "home"
    assert payload["actions"][0]["action_id"] == "open"


async def test_event_envelope_and_retry_headers(
    double: SlackDouble, driver: SlackDriver, bot: tuple[FakeBot, str]
) -> None:
    event = {"type": "app_home_opened", "user": MARIA, "tab": "home"}
    await driver.event(event, event_id="Ev123", retry_num=1)
    envelope = bot[0].received[0]
    assert envelope["type"] == "event_callback"
    assert (envelope["event_id"], envelope["event"]) == ("Ev123", event)
    assert envelope["authorizations"][0]["user_id"] == double.bot_user_id
    assert bot[0].headers[0]["X-Slack-Retry-Num"] == "1"
    assert bot[0].headers[0]["X-Slack-Retry-Reason"] == "http_timeout"
    fake = bot[0]
    fake.reply = lambda parsed: web.json_response({"challenge": parsed.get("challenge")})
    answer = await driver.url_verification("abc")
    assert answer.json() == {"challenge": "abc"}


async def test_forward_events_delivers_channel_messages(
    double: SlackDouble, driver: SlackDriver, bot: tuple[FakeBot, str]
) -> None:
    channel = double.add_channel("crisis-fw", members=[MARIA, double.bot_user_id])
    double.post_as(MARIA, channel, "before forwarding")
    await double.settle()
    driver.forward_events()
    elsewhere = double.add_channel("random", members=[MARIA])
    double.post_as(MARIA, elsewhere, "the bot is not in here")
    ts = double.post_as(MARIA, channel, "Reporter called about the leak")
    await double.settle()
    [envelope] = bot[0].received
    message = envelope["event"]
    assert (message["type"], message["channel"], message["ts"]) == ("message", channel, ts)
    assert message["user"] == MARIA
    assert message["channel_type"] == "channel"
    assert [r.status for r in driver.forwarded] == [200]


async def test_click_on_ephemeral_message(
    double: SlackDouble, driver: SlackDriver, bot: tuple[FakeBot, str], client: AsyncWebClient
) -> None:
    channel = double.add_channel("crisis-eph", members=[MARIA, double.bot_user_id])
    choice = {
        "type": "static_select",
        "action_id": "severity",
        "options": [{"text": {"type": "plain_text", "text": "Sev 2"}, "value": "sev2"}],
    }
    blocks = [{"type": "actions", "block_id": "pick", "elements": [choice]}]
    sent = await client.chat_postEphemeral(channel=channel, user=MARIA, text="?", blocks=blocks)
    await driver.click(
        MARIA, "severity", value="sev2", channel_id=channel, message_ts=sent["message_ts"]
    )
    payload = bot[0].received[0]
    assert payload["container"]["is_ephemeral"] is True
    assert "message" not in payload
    assert payload["actions"][0]["selected_option"]["value"] == "sev2"
    assert payload["actions"][0]["type"] == "static_select"
    with pytest.raises(AssertionError, match="sees no message"):
        await driver.click(JAMES, "severity", channel_id=channel, message_ts=sent["message_ts"])
