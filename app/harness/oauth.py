"""A person installs the bot in a workspace the way Slack's OAuth goes, against the double:
they open /slack/install (a cookie and a link to the consent page with a `state`), allow the
app (the double's `consent`: the test says so), and Slack sends their browser back to
/slack/oauth_redirect with a `code`."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

from aiohttp import ClientSession

from app.slack.oauth import BOT_SCOPES, INSTALL_PATH, REDIRECT_PATH
from app.slackdouble import SlackDouble

CONSENT_LINK = re.compile(r'<a href="([^"]+/oauth/v2/authorize[^"]*)"')


@dataclass(frozen=True)
class Installed:
    status: int  # of the redirect's answer (200: installed)
    page: str


async def install_by_oauth(
    double: SlackDouble, bot_url: str, team_or_enterprise: str, user_id: str
) -> Installed:
    """`user_id` installs the bot (at `bot_url`) in their workspace, or org-wide for an org."""
    async with ClientSession() as browser:
        async with browser.get(bot_url + INSTALL_PATH) as page:
            found = CONSENT_LINK.search(await page.text())
            cookie = SimpleCookie(page.headers.get("Set-Cookie", ""))
        if found is None:
            raise AssertionError("the install page has no link to Slack's consent page")
        query = parse_qs(urlsplit(html.unescape(found.group(1))).query)
        state = query["state"][0]
        code = double.consent(team_or_enterprise, user_id, scopes=BOT_SCOPES, state=state)
        back = f"{bot_url}{REDIRECT_PATH}?code={code}&state={state}"
        # The state cookie is Secure (https only): sent back by hand, as a browser would over
        # https to a real server.
        sent = "; ".join(f"{name}={morsel.value}" for name, morsel in cookie.items())
        async with browser.get(back, headers={"Cookie": sent}) as answer:
            return Installed(answer.status, await answer.text())
