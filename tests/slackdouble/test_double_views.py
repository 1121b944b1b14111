"""views.* trigger rules, stacks, hashes and Home tabs."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from app.slackdouble import SlackDouble

from .helpers import MARIA, FakeClock, error_of


def modal(title: str = "Declare incident", **extra: Any) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": "declare",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Declare"},
        "blocks": [
            {
                "type": "input",
                "block_id": "summary",
                "label": {"type": "plain_text", "text": "What happened?"},
                "element": {"type": "plain_text_input", "action_id": "value"},
            }
        ],
    }
    return {**view, **extra}


async def test_open_returns_slack_view_and_stacks(
    client: AsyncWebClient, double: SlackDouble
) -> None:
    trigger = double.issue_trigger(MARIA)
    opened = (await client.views_open(trigger_id=trigger, view=modal(private_metadata="C1")))[
        "view"
    ]
    assert opened["id"].startswith("V")
    assert opened["hash"]
    assert opened["callback_id"] == "declare"
    assert opened["private_metadata"] == "C1"
    assert opened["state"] == {"values": {}}
    assert [v["id"] for v in double.open_views(MARIA)] == [opened["id"]]
    assert await error_of(client.views_open(trigger_id=trigger, view=modal())) == (
        "exchanged_trigger_id"
    )


async def test_trigger_expiry_uses_clock(
    client: AsyncWebClient, double: SlackDouble, clock: FakeClock
) -> None:
    trigger = double.issue_trigger(MARIA)
    clock.now += 3.5
    assert await error_of(client.views_open(trigger_id=trigger, view=modal())) == (
        "expired_trigger_id"
    )
    assert await error_of(client.views_open(trigger_id="123.456.abc", view=modal())) == (
        "invalid_trigger_id"
    )


async def test_push_limit(client: AsyncWebClient, double: SlackDouble) -> None:
    await client.views_open(trigger_id=double.issue_trigger(MARIA), view=modal("One"))
    await client.views_push(trigger_id=double.issue_trigger(MARIA), view=modal("Two"))
    await client.views_push(trigger_id=double.issue_trigger(MARIA), view=modal("Three"))
    with pytest.raises(SlackApiError, match="push_limit_reached"):
        await client.views_push(trigger_id=double.issue_trigger(MARIA), view=modal("Four"))
    titles = [v["title"]["text"] for v in double.open_views(MARIA)]
    assert titles == ["One", "Two", "Three"]


async def test_update_by_id_and_hash_conflict(client: AsyncWebClient, double: SlackDouble) -> None:
    opened = (await client.views_open(trigger_id=double.issue_trigger(MARIA), view=modal()))["view"]
    updated = await client.views_update(
        view_id=opened["id"], view=modal("Step 2"), hash=opened["hash"]
    )
    assert updated["view"]["id"] == opened["id"]
    assert double.open_views(MARIA)[0]["title"]["text"] == "Step 2"
    stale = client.views_update(view_id=opened["id"], view=modal(), hash=opened["hash"])
    assert await error_of(stale) == "hash_conflict"
    assert await error_of(client.views_update(view_id="V0NOPE", view=modal())) == "not_found"


async def test_view_limits(client: AsyncWebClient, double: SlackDouble) -> None:
    too_long = modal("This title is far too long for Slack")
    with pytest.raises(SlackApiError) as raised:
        await client.views_open(trigger_id=double.issue_trigger(MARIA), view=too_long)
    assert raised.value.response["error"] == "invalid_arguments"
    assert "/view/title/text" in raised.value.response["response_metadata"]["messages"][0]
    meta = modal(private_metadata="x" * 3001)
    assert await error_of(client.views_open(trigger_id=double.issue_trigger(MARIA), view=meta)) == (
        "invalid_arguments"
    )
    many = {"type": "home", "blocks": [{"type": "divider"}] * 101}
    assert await error_of(client.views_publish(user_id=MARIA, view=many)) == "invalid_arguments"


async def test_publish_home(client: AsyncWebClient, double: SlackDouble) -> None:
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}],
    }
    first = (await client.views_publish(user_id=MARIA, view=home))["view"]
    second = (await client.views_publish(user_id=MARIA, view=home))["view"]
    assert first["id"] == second["id"]
    stored = double.home(MARIA)
    assert stored is not None
    assert stored["type"] == "home"
    assert await error_of(client.views_publish(user_id="U0NOPE", view=home)) == "user_not_found"
