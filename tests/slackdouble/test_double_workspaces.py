"""Many workspaces in the double: each token answers for its own workspace only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from app.slackdouble import SlackDouble, SlackDriver

from .fakebot import FakeBot
from .helpers import MARIA, error_of

AGENCY = "T0AGENCY"
OMAR = "U0OMAR"


@pytest.fixture
async def agency(double: SlackDouble) -> AsyncIterator[AsyncWebClient]:
    token = double.add_workspace(AGENCY, "Northwind Agency")
    double.add_user(OMAR, "omar", "Omar Haddad", team_id=AGENCY)
    sdk = AsyncWebClient(token=token, base_url=double.api_url)
    yield sdk
    if sdk.session is not None:
        await sdk.session.close()


async def test_auth_test_names_each_tokens_workspace(
    double: SlackDouble, client: AsyncWebClient, agency: AsyncWebClient
) -> None:
    ours, theirs = await client.auth_test(), await agency.auth_test()
    assert (ours["team_id"], ours["user_id"], ours["bot_id"]) == (
        "T0CRISIS",
        double.bot_user_id,
        double.bot_id,
    )
    assert theirs["team_id"] == AGENCY and theirs["team"] == "Northwind Agency"
    assert theirs["url"] == "https://northwind-agency.slack.com/"
    assert theirs["user_id"] == double.bot_user_id_in(AGENCY) != double.bot_user_id
    assert theirs["is_enterprise_install"] is False and "enterprise_id" not in theirs
    assert double.token == "xoxb-test-token" and str(agency.token).startswith("xoxb-")


async def test_a_workspace_cannot_see_anothers_private_channel_nor_post_there(
    double: SlackDouble, client: AsyncWebClient, agency: AsyncWebClient
) -> None:
    ours = (await client.conversations_create(name="crisis-1", is_private=True))["channel"]
    assert await error_of(agency.conversations_info(channel=ours["id"])) == "channel_not_found"
    assert await error_of(agency.chat_postMessage(channel=ours["id"], text="hi")) == (
        "channel_not_found"
    )
    theirs = (await agency.conversations_create(name="crisis-1"))["channel"]  # names are per team
    assert theirs["id"] != ours["id"] and theirs["creator"] == double.bot_user_id_in(AGENCY)
    assert double.channel(theirs["id"]).teams == [AGENCY]
    listed = [c["id"] for c in (await client.conversations_list())["channels"]]
    assert theirs["id"] not in listed


async def test_people_belong_to_their_workspace(
    double: SlackDouble, client: AsyncWebClient, agency: AsyncWebClient
) -> None:
    assert await error_of(client.users_info(user=OMAR)) == "user_not_found"
    assert await error_of(agency.users_info(user=MARIA)) == "user_not_found"
    omar = (await agency.users_info(user=OMAR))["user"]
    assert (omar["team_id"], omar["profile"]["team"]) == (AGENCY, AGENCY)
    assert "enterprise_user" not in omar
    listed = {m["id"] for m in (await agency.users_list())["members"]}
    assert listed == {OMAR, double.bot_user_id_in(AGENCY)}


async def test_the_driver_acts_in_the_persons_workspace(
    double: SlackDouble, agency: AsyncWebClient, driver: SlackDriver, bot: tuple[FakeBot, str]
) -> None:
    fake, _ = bot
    room = double.add_channel("war-room", members=[OMAR], team_id=AGENCY)
    await driver.command(OMAR, "open", channel_id=room)
    command = fake.received[-1]
    assert (command["team_id"], command["team_domain"]) == (AGENCY, "northwind-agency")
    assert "enterprise_id" not in command and command["is_enterprise_install"] == "false"
    await agency.conversations_join(channel=room)
    sent = (await agency.chat_postMessage(channel=room, text="Opened", blocks=_button()))["ts"]
    await driver.click(OMAR, "ack", channel_id=room, message_ts=sent)
    click = fake.received[-1]
    assert click["team"] == {"id": AGENCY, "domain": "northwind-agency"}
    assert (click["enterprise"], click["is_enterprise_install"]) == (None, False)
    assert click["user"]["team_id"] == AGENCY


async def test_forwarded_events_carry_their_workspace(
    double: SlackDouble, agency: AsyncWebClient, driver: SlackDriver, bot: tuple[FakeBot, str]
) -> None:
    fake, _ = bot
    room = double.add_channel("war-room", members=[OMAR], team_id=AGENCY)
    await agency.conversations_join(channel=room)
    driver.forward_events()
    double.post_as(OMAR, room, "Press is calling")
    await double.settle()
    envelope = fake.received[-1]
    assert (envelope["team_id"], envelope["context_team_id"]) == (AGENCY, AGENCY)
    assert envelope["authorizations"] == [
        {
            "enterprise_id": None,
            "team_id": AGENCY,
            "user_id": double.bot_user_id_in(AGENCY),
            "is_bot": True,
            "is_enterprise_install": False,
        }
    ]
    assert envelope["event"]["team"] == AGENCY and "enterprise_id" not in envelope


def _button() -> list[dict[str, Any]]:
    button = {"type": "button", "action_id": "ack", "text": {"type": "plain_text", "text": "OK"}}
    return [{"type": "actions", "elements": [button]}]
