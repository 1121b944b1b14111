"""OAuth v2: a person consents (the test says so), Slack redirects with a `code`, the app
trades it at oauth.v2.access for the installation's bot token.

oauth.v2.access takes the client id and secret as HTTP Basic auth or as arguments; a code
works once (`invalid_code` after, as for an unknown one); a `redirect_uri` given at consent
must be sent again, the same (`bad_redirect_uri`). The answer has Slack's fields: for an
org-wide install `team` is null and `is_enterprise_install` true; no `incoming_webhook`
unless that scope was asked for (this double never grants it).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from app.slackdouble import installing
from app.slackdouble.args import text_arg
from app.slackdouble.errors import SlackError
from app.slackdouble.grid import enterprise_of
from app.slackdouble.viewstore import APP_ID
from app.slackdouble.workspace import Workspace

METHOD = "oauth.v2.access"
CLIENT_ID = "4242424242.1717171717"
CLIENT_SECRET = "crisisroom-client-secret"


@dataclass
class Grant:
    """One consent: what the redirect's `code` stands for until it is used."""

    team_id: str | None  # None: org-wide
    enterprise_id: str | None
    user_id: str
    scopes: tuple[str, ...]
    redirect_uri: str | None
    state: str


class OAuth:
    def __init__(self, ws: Workspace, client_id: str, client_secret: str) -> None:
        self.ws = ws
        self.client_id = client_id
        self.client_secret = client_secret
        self.grants: dict[str, Grant] = {}

    def consent(
        self,
        team_or_enterprise: str,
        user_id: str,
        *,
        scopes: list[str] | tuple[str, ...],
        state: str,
        redirect_uri: str | None = None,
    ) -> str:
        """A person allows the app in a workspace (or org-wide, given an org id): the code."""
        installs, ws = self.ws.installs, self.ws
        if team_or_enterprise in installs.orgs:
            org, team_id = installs.orgs[team_or_enterprise], None
            if ws.home_of(user_id) not in org.teams:
                raise ValueError(f"{user_id} is not in org {org.id}")
            enterprise_id: str | None = org.id
        elif team_or_enterprise in installs.workspaces:
            team_id, enterprise_id = team_or_enterprise, installs.workspaces[team_or_enterprise]
            if ws.home_of(user_id) != team_id:
                raise ValueError(f"{user_id} is not in workspace {team_id}")
        else:
            raise ValueError(f"unknown workspace or org {team_or_enterprise!r}")
        stream = ws.ids.of("oauth")
        code = (
            f"{int(stream.token_hex(4), 16)}.{int(stream.token_hex(6), 16)}.{stream.token_hex(32)}"
        )
        grant = Grant(team_id, enterprise_id, user_id, tuple(scopes), redirect_uri, state)
        self.grants[code] = grant
        return code

    def access(self, args: dict[str, Any], authorization: str) -> dict[str, Any]:
        """oauth.v2.access: the installation JSON, or Slack's error."""
        try:
            return {"ok": True, **self._exchange(args, authorization)}
        except SlackError as error:
            return error.body()

    def _exchange(self, args: dict[str, Any], authorization: str) -> dict[str, Any]:
        client_id, secret = _basic(authorization) or (
            text_arg(args, "client_id"),
            text_arg(args, "client_secret"),
        )
        if client_id != self.client_id:
            raise SlackError("invalid_client_id")
        if secret != self.client_secret:
            raise SlackError("bad_client_secret")
        grant = self.grants.get(text_arg(args, "code"))
        if grant is None:
            raise SlackError("invalid_code")
        if grant.redirect_uri and text_arg(args, "redirect_uri") != grant.redirect_uri:
            raise SlackError("bad_redirect_uri")
        del self.grants[text_arg(args, "code")]
        return self._installed(grant)

    def _installed(self, grant: Grant) -> dict[str, Any]:
        done = installing.install(
            self.ws,
            team_id=grant.team_id,
            enterprise_id=grant.enterprise_id,
            scopes=grant.scopes,
            installer=grant.user_id,
        )
        team = self.ws.teams[grant.team_id] if grant.team_id else None
        enterprise = enterprise_of(self.ws, grant.team_id) if grant.team_id else None
        if grant.team_id is None:
            org = self.ws.installs.orgs[grant.enterprise_id or ""]
            enterprise = {"id": org.id, "name": org.name}
        return {
            "app_id": APP_ID,
            "authed_user": {"id": grant.user_id},
            "scope": ",".join(done.scopes),
            "token_type": "bot",
            "access_token": done.token,
            "bot_user_id": done.bot.id,
            "team": {"id": team.id, "name": team.name} if team else None,
            "enterprise": enterprise,
            "is_enterprise_install": grant.team_id is None,
        }


def _basic(authorization: str) -> tuple[str, str] | None:
    if not authorization.startswith("Basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[len("Basic ") :].strip()).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, _, secret = decoded.partition(":")
    return client_id, secret
