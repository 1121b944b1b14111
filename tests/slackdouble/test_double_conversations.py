"""conversations.* against the double through a real AsyncWebClient."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from app.slackdouble import SlackDouble

from .helpers import GONE, JAMES, MARIA, error_of


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "invalid_name_required"),
        ("x" * 81, "invalid_name_maxlength"),
        ("Crisis-Acme", "invalid_name_specials"),
        ("crisis acme", "invalid_name_specials"),
        ("crisis.acme", "invalid_name_specials"),
    ],
)
async def test_create_rejects_bad_names(client: AsyncWebClient, name: str, error: str) -> None:
    assert await error_of(client.conversations_create(name=name)) == error


async def test_create_returns_channel_and_name_taken(
    client: AsyncWebClient, double: SlackDouble
) -> None:
    created = await client.conversations_create(name="crisis-acme_1", is_private=True)
    channel = created["channel"]
    assert channel["id"].startswith("C")
    assert channel["is_private"] is True
    assert channel["is_member"] is True
    assert channel["is_group"] is False
    assert double.channel(channel["id"]).members == [double.bot_user_id]
    await client.conversations_archive(channel=channel["id"])
    assert await error_of(client.conversations_create(name="crisis-acme_1")) == "name_taken"


async def test_invite_errors(client: AsyncWebClient, double: SlackDouble) -> None:
    outside = double.add_channel("general", members=[MARIA])
    assert await error_of(client.conversations_invite(channel=outside, users=JAMES)) == (
        "not_in_channel"
    )
    channel = (await client.conversations_create(name="crisis-1"))["channel"]["id"]
    for users, error in [
        ("U0NOBODY", "user_not_found"),
        (GONE, "user_is_deactivated"),
        (double.bot_user_id, "cant_invite_self"),
    ]:
        assert await error_of(client.conversations_invite(channel=channel, users=users)) == error
    await client.conversations_invite(channel=channel, users=MARIA)
    assert await error_of(client.conversations_invite(channel=channel, users=MARIA)) == (
        "already_in_channel"
    )


async def test_invite_several_fails_whole_call(client: AsyncWebClient, double: SlackDouble) -> None:
    channel = (await client.conversations_create(name="crisis-2"))["channel"]["id"]
    with pytest.raises(SlackApiError) as raised:
        await client.conversations_invite(channel=channel, users=[JAMES, GONE])
    assert raised.value.response["error"] == "user_is_deactivated"
    assert raised.value.response["errors"] == [
        {"user": GONE, "ok": False, "error": "user_is_deactivated"}
    ]
    assert JAMES not in double.channel(channel).members
    await client.conversations_invite(channel=channel, users=[JAMES, MARIA])
    assert double.channel(channel).members == [double.bot_user_id, JAMES, MARIA]


async def test_invite_to_archived_channel(client: AsyncWebClient) -> None:
    channel = (await client.conversations_create(name="crisis-3"))["channel"]["id"]
    await client.conversations_archive(channel=channel)
    assert await error_of(client.conversations_invite(channel=channel, users=JAMES)) == (
        "is_archived"
    )
    assert await error_of(client.conversations_archive(channel=channel)) == "already_archived"


async def test_topic_purpose_info_members(client: AsyncWebClient, double: SlackDouble) -> None:
    channel = (await client.conversations_create(name="crisis-4"))["channel"]["id"]
    await client.conversations_setTopic(channel=channel, topic="Sev1: data leak")
    await client.conversations_setPurpose(channel=channel, purpose="Coordinate response")
    assert await error_of(client.conversations_setTopic(channel=channel, topic="x" * 251)) == (
        "too_long"
    )
    info = (await client.conversations_info(channel=channel))["channel"]
    assert info["topic"]["value"] == "Sev1: data leak"
    assert info["purpose"]["value"] == "Coordinate response"
    assert await error_of(client.conversations_info(channel="C0MISSING")) == "channel_not_found"
    await client.conversations_invite(channel=channel, users=[MARIA, JAMES])
    first = await client.conversations_members(channel=channel, limit=2)
    assert first["members"] == [double.bot_user_id, MARIA]
    cursor = first["response_metadata"]["next_cursor"]
    second = await client.conversations_members(channel=channel, limit=2, cursor=cursor)
    assert second["members"] == [JAMES]
    assert second["response_metadata"]["next_cursor"] == ""


async def test_private_channel_invisible_and_join_rules(
    client: AsyncWebClient, double: SlackDouble
) -> None:
    secret = double.add_channel("board", is_private=True, members=[MARIA])
    public = double.add_channel("general", members=[MARIA])
    assert await error_of(client.conversations_info(channel=secret)) == "channel_not_found"
    assert await error_of(client.conversations_join(channel=secret)) == (
        "method_not_supported_for_channel_type"
    )
    assert await error_of(client.conversations_setTopic(channel=public, topic="t")) == (
        "not_in_channel"
    )
    await client.conversations_join(channel=public)
    assert double.bot_user_id in double.channel(public).members
    again = await client.conversations_join(channel=public)
    assert again["warning"] == "already_in_channel"


async def test_deactivate_makes_invites_fail(client: AsyncWebClient, double: SlackDouble) -> None:
    channel = (await client.conversations_create(name="crisis-5"))["channel"]["id"]
    double.deactivate(JAMES)
    assert (await client.users_info(user=JAMES))["user"]["deleted"] is True
    assert await error_of(client.conversations_invite(channel=channel, users=JAMES)) == (
        "user_is_deactivated"
    )
