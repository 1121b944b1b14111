"""Slack Connect in the double: people from another organisation, shared channels, team.info."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from app.slackdouble import SlackDouble, SlackDriver

from .fakebot import FakeBot
from .helpers import JAMES, MARIA, error_of

DANA = "U0DANA"
ACME = "T0ACMEPR"


def _dana(double: SlackDouble) -> None:
    double.add_external_user(
        DANA, "dana", team_id=ACME, team_name="Acme PR", real_name="Dana Reyes"
    )


async def test_users_info_gives_an_outside_person_their_home_team(
    double: SlackDouble, client: AsyncWebClient
) -> None:
    _dana(double)
    dana = (await client.users_info(user=DANA))["user"]
    assert (dana["team_id"], dana["profile"]["team"], dana["real_name"]) == (
        ACME,
        ACME,
        "Dana Reyes",
    )
    assert "is_stranger" not in dana  # Slack sends it only for people in no shared channel
    maria = (await client.users_info(user=MARIA))["user"]
    assert (maria["team_id"], maria["profile"]["team"]) == (double.team_id, double.team_id)
    listed = [m["id"] for m in (await client.users_list())["members"]]
    assert MARIA in listed and DANA not in listed  # users.list is our workspace's people


async def test_team_info_answers_for_ours_a_partner_and_not_for_strangers(
    double: SlackDouble, client: AsyncWebClient
) -> None:
    _dana(double)
    ours = (await client.team_info())["team"]
    assert (ours["id"], ours["name"], ours["domain"]) == (
        double.team_id,
        "Crisis Room Demo",
        "crisisroom-demo",
    )
    acme = (await client.team_info(team=ACME))["team"]
    assert (acme["id"], acme["name"], acme["domain"]) == (ACME, "Acme PR", "acme-pr")
    assert set(acme) == {
        "id", "name", "url", "domain", "email_domain", "icon", "avatar_base_url", "is_verified",
    }  # fmt: skip
    assert acme["icon"]["image_default"] is True
    assert await error_of(client.team_info(team="T0NOBODY")) == "team_not_found"


async def test_a_channel_becomes_slack_connect_when_a_partner_joins(
    double: SlackDouble, client: AsyncWebClient
) -> None:
    _dana(double)
    channel = double.add_channel("crisis-acme", members=[MARIA, double.bot_user_id])
    before = (await client.conversations_info(channel=channel))["channel"]
    assert (before["is_shared"], before["is_ext_shared"]) == (False, False)
    assert before["shared_team_ids"] == [double.team_id]
    assert "connected_team_ids" not in before
    double.join_as(DANA, channel)
    after = (await client.conversations_info(channel=channel))["channel"]
    assert (after["is_shared"], after["is_ext_shared"], after["is_org_shared"]) == (
        True,
        True,
        False,
    )
    assert after["connected_team_ids"] == [double.team_id, ACME]
    assert (after["conversation_host_id"], after["context_team_id"]) == (double.team_id,) * 2


async def test_connect_channel_can_announce_channel_shared(double: SlackDouble) -> None:
    _dana(double)
    seen: list[dict[str, Any]] = []

    async def hear(event: dict[str, Any]) -> None:
        seen.append(event)

    double.subscribe(hear)
    quiet = double.add_channel("quiet", members=[MARIA])
    loud = double.add_channel("loud", members=[MARIA])
    double.connect_channel(quiet, ACME)
    double.connect_channel("#loud", ACME, announce=True)
    await double.settle()
    assert double.channel(quiet).teams == [double.team_id, ACME]
    assert [(e["type"], e["channel"], e["connected_team_id"]) for e in seen] == [
        ("channel_shared", loud, ACME)
    ]
    assert set(seen[0]) == {"type", "connected_team_id", "channel", "event_ts", "team"}


async def test_messages_in_a_shared_channel_carry_the_authors_team(double: SlackDouble) -> None:
    _dana(double)
    seen: list[dict[str, Any]] = []

    async def hear(event: dict[str, Any]) -> None:
        seen.append(event)

    shared = double.add_channel("crisis-acme", members=[MARIA, DANA])
    plain = double.add_channel("crisis-internal", members=[JAMES])
    double.subscribe(hear)
    double.post_as(DANA, shared, "Draft holding statement attached")
    double.post_as(MARIA, shared, "Thanks Dana")
    double.post_as(JAMES, plain, "Internal only")
    await double.settle()
    dana, maria, james = seen
    assert (dana["team"], dana["user_team"], dana["source_team"]) == (ACME, ACME, ACME)
    assert dana["user_profile"]["team"] == ACME
    assert dana["user_profile"]["real_name"] == "Dana Reyes"
    assert (maria["team"], maria["user_team"], maria["source_team"]) == (double.team_id,) * 3
    assert james["team"] == double.team_id
    assert not {"user_team", "source_team", "user_profile"} & set(james)
    history = double.messages(shared)
    assert [m.to_slack()["user_team"] for m in history] == [ACME, double.team_id]


async def test_the_envelope_says_when_the_channel_is_shared(
    double: SlackDouble, driver: SlackDriver, bot: tuple[FakeBot, str]
) -> None:
    _dana(double)
    shared = double.add_channel("crisis-acme", members=[MARIA, DANA, double.bot_user_id])
    plain = double.add_channel("crisis-internal", members=[JAMES, double.bot_user_id])
    driver.forward_events()
    double.post_as(DANA, shared, "From the agency")
    double.post_as(JAMES, plain, "From us")
    await double.settle()
    flags = [(e["event"]["user"], e["is_ext_shared_channel"]) for e in bot[0].received]
    assert flags == [(DANA, True), (JAMES, False)]
    assert {e["team_id"] for e in bot[0].received} == {double.team_id}


def test_a_partner_cannot_be_added_twice_nor_claim_our_team(double: SlackDouble) -> None:
    _dana(double)
    with pytest.raises(ValueError, match="already exists"):
        _dana(double)
    with pytest.raises(ValueError, match="our own workspace"):
        double.add_external_user("U0X", "x", team_id=double.team_id, team_name="Us")
    with pytest.raises(ValueError, match="already called"):
        double.add_external_user("U0Y", "y", team_id=ACME, team_name="Not Acme")
