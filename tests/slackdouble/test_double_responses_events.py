"""Response URLs, event subscription and the visible timeline."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from app.slackdouble import SlackDouble

from .helpers import JAMES, MARIA, section


async def post_json(url: str, body: dict[str, Any]) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.post(url, json=body) as response:
        return response.status, await response.text()


async def test_response_url_ephemeral_and_in_channel(double: SlackDouble) -> None:
    channel = double.add_channel("crisis-r", members=[MARIA, double.bot_user_id])
    url = double.new_response_url(MARIA, channel)
    assert await post_json(url, {"text": "Only Maria sees this"}) == (200, "ok")
    assert [e.text for e in double.ephemerals(MARIA)] == ["Only Maria sees this"]
    assert double.ephemerals(MARIA)[0].source == "response_url"
    status, _ = await post_json(url, {"response_type": "in_channel", "blocks": [section("All")]})
    assert status == 200
    assert [m.blocks[0]["text"]["text"] for m in double.messages(channel)] == ["All"]


async def test_response_url_limits(double: SlackDouble) -> None:
    channel = double.add_channel("crisis-r", members=[MARIA])
    url = double.new_response_url(MARIA, channel)
    for _ in range(5):
        assert (await post_json(url, {"text": "ok"}))[0] == 200
    assert await post_json(url, {"text": "sixth"}) == (404, "used_url")
    assert (await post_json(double.base_url + "/response/nope", {"text": "x"}))[0] == 404


async def test_response_url_replaces_original(client: AsyncWebClient, double: SlackDouble) -> None:
    sent = await client.chat_postMessage(channel=MARIA, text="Approve?")
    url = double.new_response_url(MARIA, sent["channel"], sent["ts"])
    await post_json(url, {"replace_original": True, "text": "Approved by Maria"})
    stored = double.message(sent["channel"], sent["ts"])
    assert stored is not None
    assert stored.text == "Approved by Maria"


async def test_events_for_post_edit_delete_in_order(
    client: AsyncWebClient, double: SlackDouble
) -> None:
    events: list[dict[str, Any]] = []

    async def collect(event: dict[str, Any]) -> None:
        events.append(event)

    double.subscribe(collect)
    channel = (await client.conversations_create(name="crisis-ev", is_private=True))["channel"]
    channel_id = channel["id"]
    await client.conversations_invite(channel=channel_id, users=MARIA)
    sent = await client.chat_postMessage(channel=channel_id, text="v1")
    await client.chat_update(channel=channel_id, ts=sent["ts"], text="v2")
    human = double.post_as(MARIA, channel_id, "seen")
    double.edit_as(MARIA, channel_id, human, "seen, on it")
    double.delete_as(MARIA, channel_id, human)
    await double.settle()
    kinds = [(e["type"], e.get("subtype")) for e in events]
    assert kinds == [
        ("member_joined_channel", None),
        ("message", "channel_join"),
        ("message", None),
        ("message", "message_changed"),
        ("message", None),
        ("message", "message_changed"),
        ("message", "message_deleted"),
    ]
    bot_post = events[2]
    assert bot_post["channel_type"] == "group"
    assert bot_post["bot_id"] == double.bot_id
    assert (bot_post["user"], bot_post["text"]) == (double.bot_user_id, "v1")
    changed = events[3]
    assert changed["message"]["text"] == "v2"
    assert changed["previous_message"]["text"] == "v1"
    deleted = events[6]
    assert deleted["deleted_ts"] == human
    assert deleted["previous_message"]["text"] == "seen, on it"


async def test_api_call_returns_before_subscribers_finish(
    client: AsyncWebClient, double: SlackDouble
) -> None:
    gate, reached = asyncio.Event(), asyncio.Event()

    async def slow(event: dict[str, Any]) -> None:
        reached.set()
        await gate.wait()

    double.subscribe(slow)
    await asyncio.wait_for(client.chat_postMessage(channel=MARIA, text="one"), timeout=1)
    await asyncio.wait_for(client.chat_postMessage(channel=MARIA, text="two"), timeout=1)
    await asyncio.wait_for(reached.wait(), timeout=1)
    gate.set()
    await asyncio.wait_for(double.settle(), timeout=1)


async def test_timeline_and_transcript(client: AsyncWebClient, double: SlackDouble) -> None:
    channel = (await client.conversations_create(name="crisis-tl"))["channel"]["id"]
    await client.conversations_invite(channel=channel, users=[MARIA, JAMES])
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Sev1 declared"}},
        section(f"Owner: <@{MARIA}> in <#{channel}>"),
    ]
    sent = await client.chat_postMessage(channel=channel, text="Sev1", blocks=blocks)
    await client.chat_postMessage(channel=channel, text="details", thread_ts=sent["ts"])
    await client.chat_postEphemeral(channel=channel, user=JAMES, text="psst")
    await client.chat_postMessage(channel=JAMES, text="You are comms lead")
    kinds = [(v.kind, v.where) for v in double.timeline]
    assert ("post", "#crisis-tl") in kinds
    assert ("reply", "#crisis-tl") in kinds
    assert ("dm", "DM with James Chen") in kinds
    post = next(v for v in double.timeline if v.kind == "post")
    assert post.text == "== Sev1 declared ==\nOwner: @Maria Rodriguez in #crisis-tl"
    ephemeral = next(v for v in double.timeline if v.kind == "ephemeral")
    assert ephemeral.audience == "James Chen"
    transcript = double.transcript()
    assert "[#crisis-tl] Crisis Room:\n    == Sev1 declared ==" in transcript
    assert "[#crisis-tl] Crisis Room (only visible to James Chen):\n    psst" in transcript
