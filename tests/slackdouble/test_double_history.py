"""conversations.history / conversations.replies ordering and cursor pagination."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from app.slackdouble import SlackDouble

from .helpers import MARIA, error_of


async def setup_channel(client: AsyncWebClient) -> str:
    channel = (await client.conversations_create(name="crisis-history"))["channel"]["id"]
    await client.conversations_invite(channel=channel, users=MARIA)
    return channel


async def test_history_newest_first_with_cursors(
    client: AsyncWebClient, double: SlackDouble
) -> None:
    channel = await setup_channel(client)
    sent = [(await client.chat_postMessage(channel=channel, text=f"m{i}"))["ts"] for i in range(5)]
    await client.chat_postMessage(channel=channel, text="reply", thread_ts=sent[0])
    texts: list[str] = []
    cursor = ""
    pages = 0
    while True:
        page = await client.conversations_history(channel=channel, limit=2, cursor=cursor)
        texts += [m["text"] for m in page["messages"] if "subtype" not in m]
        pages += 1
        cursor = page["response_metadata"]["next_cursor"]
        assert page["has_more"] is bool(cursor)
        if not cursor:
            break
    assert texts == ["m4", "m3", "m2", "m1", "m0"]
    assert pages == 3  # 5 posts + Maria's channel_join notice, 2 a page
    parent = next(m for m in double.messages(channel) if m.ts == sent[0])
    assert parent.reply_count == 1


async def test_history_parent_carries_thread_summary(client: AsyncWebClient) -> None:
    channel = await setup_channel(client)
    parent = (await client.chat_postMessage(channel=channel, text="declared"))["ts"]
    reply = (await client.chat_postMessage(channel=channel, text="r1", thread_ts=parent))["ts"]
    latest = (await client.conversations_history(channel=channel, limit=1))["messages"][0]
    assert latest["ts"] == parent
    assert latest["reply_count"] == 1
    assert latest["latest_reply"] == reply
    assert latest["thread_ts"] == parent


async def test_history_window(client: AsyncWebClient) -> None:
    channel = await setup_channel(client)
    ts = [(await client.chat_postMessage(channel=channel, text=f"m{i}"))["ts"] for i in range(4)]
    exclusive = await client.conversations_history(channel=channel, oldest=ts[0], latest=ts[3])
    assert [m["text"] for m in exclusive["messages"]] == ["m2", "m1"]
    inclusive = await client.conversations_history(
        channel=channel, oldest=ts[0], latest=ts[3], inclusive=True
    )
    assert [m["text"] for m in inclusive["messages"]] == ["m3", "m2", "m1", "m0"]


async def test_replies_parent_first_then_oldest_first(
    client: AsyncWebClient, double: SlackDouble
) -> None:
    channel = await setup_channel(client)
    parent = (await client.chat_postMessage(channel=channel, text="parent"))["ts"]
    for i in range(3):
        await client.chat_postMessage(channel=channel, text=f"r{i}", thread_ts=parent)
    double.post_as(MARIA, channel, "r3 from maria", thread_ts=parent)
    first = await client.conversations_replies(channel=channel, ts=parent, limit=3)
    assert [m["text"] for m in first["messages"]] == ["parent", "r0", "r1"]
    assert first["has_more"] is True
    cursor = first["response_metadata"]["next_cursor"]
    second = await client.conversations_replies(channel=channel, ts=parent, cursor=cursor)
    assert [m["text"] for m in second["messages"]] == ["r2", "r3 from maria"]
    assert second["messages"][1]["parent_user_id"] == double.bot_user_id
    assert second["has_more"] is False


async def test_replies_errors(client: AsyncWebClient, double: SlackDouble) -> None:
    channel = await setup_channel(client)
    assert await error_of(client.conversations_replies(channel=channel, ts="1.000000")) == (
        "thread_not_found"
    )
    outside = double.add_channel("general", members=[MARIA])
    assert await error_of(client.conversations_history(channel=outside)) == "not_in_channel"
    assert await error_of(client.conversations_history(channel=channel, cursor="%%%")) == (
        "invalid_cursor"
    )
