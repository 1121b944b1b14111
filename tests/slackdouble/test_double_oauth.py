"""OAuth v2 in the double: consent gives a code, oauth.v2.access trades it once for the
installation; an uninstall stops the token and tells the app, for that workspace only."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from app.slackdouble import SlackDouble, SlackDriver

from .fakebot import FakeBot
from .helpers import error_of

AGENCY = "T0AGENCY"
OMAR = "U0OMAR"
REDIRECT = "https://crisis.example/slack/oauth_redirect"


@pytest.fixture
async def anonymous(double: SlackDouble) -> AsyncIterator[AsyncWebClient]:
    double.add_workspace(AGENCY, "Northwind Agency")
    double.add_user(OMAR, "omar", "Omar Haddad", team_id=AGENCY, is_admin=True)
    sdk = AsyncWebClient(base_url=double.api_url)
    yield sdk
    if sdk.session is not None:
        await sdk.session.close()


def _code(double: SlackDouble) -> str:
    scopes = ["chat:write", "commands"]
    return double.consent(AGENCY, OMAR, scopes=scopes, state="s-1", redirect_uri=REDIRECT)


async def test_a_code_buys_the_installation_once(
    double: SlackDouble, anonymous: AsyncWebClient
) -> None:
    code = _code(double)
    answer = await anonymous.oauth_v2_access(
        client_id=double.client_id,
        client_secret=double.client_secret,
        code=code,
        redirect_uri=REDIRECT,
    )
    assert set(answer.data) == {
        "ok", "app_id", "authed_user", "scope", "token_type", "access_token", "bot_user_id",
        "team", "enterprise", "is_enterprise_install",
    }  # fmt: skip
    assert answer["token_type"] == "bot" and answer["authed_user"] == {"id": OMAR}
    assert answer["team"] == {"id": AGENCY, "name": "Northwind Agency"}
    assert (answer["enterprise"], answer["is_enterprise_install"]) == (None, False)
    assert answer["access_token"] == double.token_for(AGENCY)
    assert "commands" in answer["scope"].split(",")
    assert answer["bot_user_id"] == double.bot_user_id_in(AGENCY)
    again = anonymous.oauth_v2_access(
        client_id=double.client_id, client_secret=double.client_secret, code=code
    )
    assert await error_of(again) == "invalid_code"


async def test_wrong_credentials_and_redirects_are_refused_as_slack_names_them(
    double: SlackDouble, anonymous: AsyncWebClient
) -> None:
    code, cid, secret = _code(double), double.client_id, double.client_secret
    bad = anonymous.oauth_v2_access
    assert await error_of(bad(client_id="1.2", client_secret=secret, code=code)) == (
        "invalid_client_id"
    )
    assert await error_of(bad(client_id=cid, client_secret="nope", code=code)) == (
        "bad_client_secret"
    )
    assert await error_of(bad(client_id=cid, client_secret=secret, code="1.2.3")) == (
        "invalid_code"
    )
    elsewhere = bad(client_id=cid, client_secret=secret, code=code, redirect_uri="https://x/")
    assert await error_of(elsewhere) == "bad_redirect_uri"
    form = await anonymous.api_call(  # the credentials as arguments instead of Basic auth
        "oauth.v2.access",
        data={"client_id": cid, "client_secret": secret, "code": code, "redirect_uri": REDIRECT},
    )
    assert form["team"]["id"] == AGENCY


async def test_uninstall_stops_that_workspace_only_and_tells_the_app(
    double: SlackDouble,
    client: AsyncWebClient,
    anonymous: AsyncWebClient,
    driver: SlackDriver,
    bot: tuple[FakeBot, str],
) -> None:
    fake, _ = bot
    agency = AsyncWebClient(token=double.token_for(AGENCY), base_url=double.api_url)
    driver.forward_events()
    old_bot = double.bot_user_id_in(AGENCY)
    double.uninstall(AGENCY)
    await double.settle()
    assert await error_of(agency.auth_test()) == "account_inactive"
    assert (await client.auth_test())["team_id"] == double.team_id
    events = [(r["event"], set(r)) for r in fake.received]
    envelope = {"token", "team_id", "api_app_id", "event", "type", "event_id", "event_time"}
    assert events == [
        ({"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [old_bot]}}, envelope),
        ({"type": "app_uninstalled"}, envelope),
    ]
    assert {r["team_id"] for r in fake.received} == {AGENCY}
    reinstalled = await anonymous.oauth_v2_access(
        client_id=double.client_id,
        client_secret=double.client_secret,
        code=_code(double),
        redirect_uri=REDIRECT,
    )
    assert reinstalled["access_token"] != agency.token
    assert reinstalled["bot_user_id"] == old_bot
    await agency.session.close() if agency.session else None
