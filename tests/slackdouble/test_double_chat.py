"""chat.* and pins.* against the double through a real AsyncWebClient."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from app.slackdouble import SlackDouble

from .helpers import JAMES, MARIA, section


async def crisis_channel(client: AsyncWebClient, name: str = "crisis-acme") -> str:
    channel = (await client.conversations_create(name=name))["channel"]["id"]
    await client.conversations_invite(channel=channel, users=[MARIA])
    return channel


async def test_post_to_user_id_opens_dm(client: AsyncWebClient, double: SlackDouble) -> None:
    sent = await client.chat_postMessage(channel=MARIA, text="You are on call")
    assert sent["channel"].startswith("D")
    assert sent["message"]["user"] == double.bot_user_id
    assert sent["message"]["bot_id"] == double.bot_id
    assert [m.text for m in double.dms(MARIA)] == ["You are on call"]
    again = await client.chat_postMessage(channel=MARIA, text="Reminder")
    assert again["channel"] == sent["channel"]
    assert float(again["ts"]) > float(sent["ts"])


async def test_post_membership_errors(client: AsyncWebClient, double: SlackDouble) -> None:
    public = double.add_channel("general", members=[MARIA])
    private = double.add_channel("board", is_private=True, members=[MARIA])
    for channel, error in [
        (public, "not_in_channel"),
        (private, "channel_not_found"),
        ("C0NOPE", "channel_not_found"),
    ]:
        with pytest.raises(SlackApiError) as raised:
            await client.chat_postMessage(channel=channel, text="hi")
        assert raised.value.response["error"] == error


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
async def test_post_content_errors(client: AsyncWebClient) -> None:
    channel = await crisis_channel(client)
    with pytest.raises(SlackApiError, match="no_text"):
        await client.chat_postMessage(channel=channel)
    with pytest.raises(SlackApiError, match="msg_too_long"):
        await client.chat_postMessage(channel=channel, text="x" * 40_001)


@pytest.mark.parametrize(
    ("blocks", "pointer"),
    [
        ([section(f"line {i}") for i in range(51)], "/blocks"),
        ([section("x" * 3001)], "/blocks/0/text/text"),
        (
            [
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": "approve",
                            "text": {"type": "plain_text", "text": "A" * 76},
                        }
                    ],
                }
            ],
            "/blocks/0/elements/0/text/text",
        ),
    ],
)
async def test_invalid_blocks(client: AsyncWebClient, blocks: list[dict], pointer: str) -> None:
    channel = await crisis_channel(client)
    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel=channel, text="fallback", blocks=blocks)
    response = raised.value.response
    assert response["error"] == "invalid_blocks"
    assert any(pointer in m for m in response["response_metadata"]["messages"])


async def test_update_keeps_history_and_checks_owner(
    client: AsyncWebClient, double: SlackDouble
) -> None:
    channel = await crisis_channel(client)
    sent = await client.chat_postMessage(channel=channel, text="Status: investigating")
    updated = await client.chat_update(
        channel=channel, ts=sent["ts"], text="Status: contained", blocks=[section("*contained*")]
    )
    assert updated["message"]["edited"]["user"] == double.bot_user_id
    stored = double.message(channel, sent["ts"])
    assert stored is not None
    assert stored.text == "Status: contained"
    assert stored.history[0]["text"] == "Status: investigating"
    human_ts = double.post_as(MARIA, channel, "mine")
    for call, error in [
        (client.chat_update(channel=channel, ts=human_ts, text="x"), "cant_update_message"),
        (client.chat_update(channel=channel, ts="1.000001", text="x"), "message_not_found"),
        (client.chat_delete(channel=channel, ts=human_ts), "cant_delete_message"),
    ]:
        with pytest.raises(SlackApiError) as raised:
            await call
        assert raised.value.response["error"] == error
    await client.chat_delete(channel=channel, ts=sent["ts"])
    assert double.message(channel, sent["ts"]) is None


async def test_ephemeral_and_permalink(client: AsyncWebClient, double: SlackDouble) -> None:
    channel = await crisis_channel(client)
    sent = await client.chat_postEphemeral(channel=channel, user=MARIA, text="Only you")
    assert [e.text for e in double.ephemerals(MARIA)] == ["Only you"]
    assert double.ephemerals(MARIA)[0].ts == sent["message_ts"]
    with pytest.raises(SlackApiError, match="user_not_in_channel"):
        await client.chat_postEphemeral(channel=channel, user=JAMES, text="nope")
    posted = await client.chat_postMessage(channel=channel, text="hello")
    link = await client.chat_getPermalink(channel=channel, message_ts=posted["ts"])
    digits = posted["ts"].replace(".", "")
    expected = f"https://crisisroom-demo.slack.com/archives/{channel}/p{digits}"
    assert link["permalink"] == expected


async def test_pins(client: AsyncWebClient, double: SlackDouble) -> None:
    channel = await crisis_channel(client)
    sent = await client.chat_postMessage(channel=channel, text="Holding statement v1")
    await client.pins_add(channel=channel, timestamp=sent["ts"])
    with pytest.raises(SlackApiError, match="already_pinned"):
        await client.pins_add(channel=channel, timestamp=sent["ts"])
    with pytest.raises(SlackApiError, match="message_not_found"):
        await client.pins_add(channel=channel, timestamp="1.000002")
    listed = await client.pins_list(channel=channel)
    assert [i["message"]["text"] for i in listed["items"]] == ["Holding statement v1"]
    assert [m.ts for m in double.pins(channel)] == [sent["ts"]]
    outside = double.add_channel("general", members=[MARIA])
    with pytest.raises(SlackApiError, match="not_in_channel"):
        await client.pins_add(channel=outside, timestamp=sent["ts"])


async def test_thread_reply_counts(client: AsyncWebClient, double: SlackDouble) -> None:
    channel = await crisis_channel(client)
    parent = await client.chat_postMessage(channel=channel, text="Incident declared")
    await client.chat_postMessage(channel=channel, text="update 1", thread_ts=parent["ts"])
    reply_ts = double.post_as(MARIA, channel, "ack", thread_ts=parent["ts"])
    stored = double.message(channel, parent["ts"])
    assert stored is not None
    assert (stored.reply_count, stored.latest_reply) == (2, reply_ts)
    assert stored.reply_users == [double.bot_user_id, MARIA]
    assert [m.text for m in double.messages(channel, include_replies=False)] == [
        "Incident declared"
    ]
