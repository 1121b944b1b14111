"""Message metadata through the gateway and the Slack double: posted with chat.postMessage,
shown by conversations.history only with include_all_metadata, found by `find_effect`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from app.clock import FakeClock
from app.errors import SlackFailure
from app.slack.gateway import SlackGateway
from app.slack.gateway_core import make_client
from app.slack.gateway_reads import PAGE_SIZE, effect_metadata
from app.slackdouble import SlackDouble

MARIA = "U0MARIA"


@dataclass
class Slack:
    double: SlackDouble
    gateway: SlackGateway
    clock: FakeClock
    room: str


@pytest.fixture
async def slack() -> AsyncIterator[Slack]:
    clock = FakeClock()
    double = SlackDouble()
    double.ws.wall = lambda: clock.now().timestamp()  # message ts follow the bot's clock
    double.add_user(MARIA, "maria", "Maria Rodriguez")
    await double.start()
    room = double.add_channel("war-room", members=[double.bot_user_id, MARIA])
    gateway = SlackGateway(make_client(token=double.token, base_url=double.api_url), clock)
    await gateway.identify()
    try:
        yield Slack(double, gateway, clock, room)
    finally:
        await double.stop()


async def history(slack: Slack, **options: Any) -> list[dict[str, Any]]:
    response = await slack.gateway.bolt_client().conversations_history(
        token=slack.double.token, channel=slack.room, **options
    )
    return list(response["messages"])


async def test_history_shows_metadata_only_when_asked(slack: Slack) -> None:
    events: list[dict[str, Any]] = []

    async def collect(event: dict[str, Any]) -> None:
        events.append(event)

    slack.double.subscribe(collect)
    await slack.gateway.post(slack.room, text="An update is due", metadata=effect_metadata("n:1"))
    [plain] = await history(slack)
    [full] = await history(slack, include_all_metadata=True)
    assert "metadata" not in plain
    assert full["metadata"] == {
        "event_type": "crisisroom_effect",
        "event_payload": {"effect": "n:1"},
    }
    await slack.double.settle()
    assert [e for e in events if e.get("type") == "message" and "metadata" in e] == []


async def test_metadata_slack_would_refuse_is_refused(slack: Slack) -> None:
    with pytest.raises(SlackFailure) as refused:
        await slack.gateway.post(slack.room, text="x", metadata={"event_payload": {}})
    assert refused.value.error == "invalid_metadata_schema"
    with pytest.raises(SlackFailure) as refused:
        await slack.gateway.post(
            slack.room, text="x", metadata={"event_type": "t", "event_payload": 3}
        )
    assert refused.value.error == "invalid_metadata_schema"
    assert slack.double.messages(slack.room) == []


async def test_find_effect_reads_every_page_after_oldest(slack: Slack) -> None:
    since = slack.clock.now()
    slack.clock.advance(1)
    ts = await slack.gateway.post(slack.room, text="nudge", metadata=effect_metadata("n:2"))
    for i in range(PAGE_SIZE + 20):  # newer chatter: the nudge is on the second page
        slack.double.post_as(MARIA, slack.room, f"message {i}")
    found = await slack.gateway.find_effect(slack.room, "n:2", oldest=since)
    assert found == ts
    assert await slack.gateway.find_effect(slack.room, "n:3", oldest=since) is None
    later = since + timedelta(seconds=2)  # after the nudge: not searched
    assert await slack.gateway.find_effect(slack.room, "n:2", oldest=later) is None
    pages = slack.double.calls_to("conversations.history")
    assert all(c.args.get("include_all_metadata") in (True, "1", "true") for c in pages)


async def test_find_effect_in_a_dm_by_user_id_and_nothing_where_it_cannot_read(
    slack: Slack,
) -> None:
    since = slack.clock.now() - timedelta(seconds=1)
    ts = await slack.gateway.post(MARIA, text="escalation", metadata=effect_metadata("e:1"))
    assert await slack.gateway.find_effect(MARIA, "e:1", oldest=since) == ts
    elsewhere = slack.double.add_channel("not-mine", members=[MARIA])
    assert await slack.gateway.find_effect(elsewhere, "e:1", oldest=since) is None
