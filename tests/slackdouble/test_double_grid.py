"""Enterprise Grid in the double: an org-wide token for every workspace of the org, people
of the org seen across its workspaces, and Grid's fields in envelopes and payloads."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from app.slackdouble import SlackDouble, SlackDriver

from .fakebot import FakeBot
from .helpers import MARIA, error_of

ORG = "E0GLOBEX"
SALES, LEGAL = "T0SALES", "T0LEGAL"
ANA, BEN = "W0ANA", "W0BEN"


@pytest.fixture
async def org(double: SlackDouble) -> AsyncIterator[AsyncWebClient]:
    double.add_workspace(SALES, "Globex Sales", enterprise_id=ORG, enterprise_name="Globex")
    double.add_workspace(LEGAL, "Globex Legal", enterprise_id=ORG)
    double.add_user(ANA, "ana", "Ana Lima", team_id=SALES)
    double.add_user(BEN, "ben", "Ben Ode", team_id=LEGAL)
    token = double.add_org(ORG, "Globex", workspaces=[SALES, LEGAL])
    sdk = AsyncWebClient(token=token, base_url=double.api_url)
    yield sdk
    if sdk.session is not None:
        await sdk.session.close()


async def test_auth_test_with_the_org_wide_token(double: SlackDouble, org: AsyncWebClient) -> None:
    answer = await org.auth_test()
    assert (answer["team_id"], answer["enterprise_id"], answer["team"]) == (ORG, ORG, "Globex")
    assert answer["is_enterprise_install"] is True
    assert answer["url"] == "https://globex.enterprise.slack.com/"
    assert answer["user_id"] == double.bot_user_id_in(SALES) == double.bot_user_id_in(LEGAL)


async def test_the_org_token_needs_a_team_id_to_create_and_works_in_every_workspace(
    double: SlackDouble, org: AsyncWebClient
) -> None:
    assert await error_of(org.conversations_create(name="crisis-2")) == "missing_argument"
    assert await error_of(org.conversations_create(name="x", team_id="T0CRISIS")) == (
        "team_access_not_granted"
    )
    sales = (await org.conversations_create(name="crisis-2", team_id=SALES))["channel"]
    legal = (await org.conversations_create(name="crisis-2", team_id=LEGAL))["channel"]
    assert double.channel(sales["id"]).teams == [SALES]
    assert double.channel(legal["id"]).teams == [LEGAL]
    await org.chat_postMessage(channel=legal["id"], text="Counsel joins")
    assert double.messages(legal["id"])[-1].text == "Counsel joins"
    assert await error_of(org.users_list()) == "missing_argument"
    listed = {m["id"] for m in (await org.users_list(team_id=LEGAL))["members"]}
    assert BEN in listed and ANA not in listed


async def test_people_of_the_org_are_seen_across_its_workspaces(
    double: SlackDouble, org: AsyncWebClient
) -> None:
    sales = AsyncWebClient(token=double.token_for(SALES), base_url=double.api_url)
    ben = (await sales.users_info(user=BEN))["user"]  # another workspace, same org
    assert ben["team_id"] == LEGAL
    assert ben["enterprise_user"] == {
        "id": BEN,
        "enterprise_id": ORG,
        "enterprise_name": "Globex",
        "is_admin": False,
        "is_owner": False,
        "teams": [LEGAL],
    }
    assert await error_of(sales.users_info(user=MARIA)) == "user_not_found"
    team = (await sales.team_info())["team"]
    assert (team["id"], team["enterprise_id"], team["enterprise_name"]) == (SALES, ORG, "Globex")
    await sales.session.close() if sales.session else None


async def test_envelopes_and_payloads_for_the_org_install(
    double: SlackDouble, org: AsyncWebClient, driver: SlackDriver, bot: tuple[FakeBot, str]
) -> None:
    fake, _ = bot
    room = (await org.conversations_create(name="war-room", team_id=LEGAL))["channel"]["id"]
    await org.conversations_invite(channel=room, users=BEN)
    driver.forward_events()
    double.post_as(BEN, room, "Subpoena arrived")
    await double.settle()
    envelope = fake.received[-1]
    assert envelope["event"]["text"] == "Subpoena arrived"
    assert (envelope["team_id"], envelope["enterprise_id"]) == (LEGAL, ORG)
    assert (envelope["context_team_id"], envelope["context_enterprise_id"]) == (LEGAL, ORG)
    [authorization] = envelope["authorizations"]
    assert authorization["enterprise_id"] == ORG and authorization["team_id"] is None
    assert authorization["is_enterprise_install"] is True
    await driver.command(BEN, "open", channel_id=room)
    command = fake.received[-1]
    assert (command["team_id"], command["enterprise_id"], command["enterprise_name"]) == (
        LEGAL,
        ORG,
        "Globex",
    )
    assert command["is_enterprise_install"] == "true"
    button = {"type": "button", "action_id": "ack", "text": {"type": "plain_text", "text": "OK"}}
    blocks = [{"type": "actions", "elements": [button]}]
    sent = (await org.chat_postMessage(channel=room, text="Open", blocks=blocks))["ts"]
    await driver.click(BEN, "ack", channel_id=room, message_ts=sent)
    base = fake.received[-1]
    assert base["team"] == {
        "id": LEGAL,
        "domain": "globex-legal",
        "enterprise_id": ORG,
        "enterprise_name": "Globex",
    }
    assert base["enterprise"] == {"id": ORG, "name": "Globex"}
    assert base["is_enterprise_install"] is True and base["user"]["team_id"] == LEGAL


async def test_org_wide_consent_and_uninstall(
    double: SlackDouble, org: AsyncWebClient, driver: SlackDriver, bot: tuple[FakeBot, str]
) -> None:
    fake, _ = bot
    driver.forward_events()
    double.uninstall(ORG)
    await double.settle()
    assert await error_of(org.auth_test()) == "account_inactive"
    assert [r.get("enterprise_id") for r in fake.received] == [ORG, ORG]
    assert all("team_id" not in r for r in fake.received)
    code = double.consent(ORG, ANA, scopes=["chat:write"], state="s")
    anonymous = AsyncWebClient(base_url=double.api_url)
    answer = await anonymous.oauth_v2_access(
        client_id=double.client_id, client_secret=double.client_secret, code=code
    )
    assert answer["team"] is None and answer["is_enterprise_install"] is True
    assert answer["enterprise"] == {"id": ORG, "name": "Globex"}
    assert answer["access_token"] == double.token_for(ORG) != org.token
    await anonymous.session.close() if anonymous.session else None
