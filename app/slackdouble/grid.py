"""Enterprise Grid: which workspace an org-wide token's call is about, and the org's fields in
what Slack answers (auth.test, users.info, team.info).

An org-wide token acts in many workspaces, so Slack requires `team_id` on some methods
(`missing_argument` without it) and refuses a workspace the app was not granted
(`team_access_not_granted`). A workspace token ignores `team_id`.
"""

from __future__ import annotations

from typing import Any

from app.slackdouble.connect import domain_for
from app.slackdouble.errors import SlackError
from app.slackdouble.models import User
from app.slackdouble.workspace import Workspace
from app.slackdouble.workspaces import Install

NEEDS_TEAM_ID = frozenset({"conversations.create", "conversations.list", "users.list"})


def acting_team(ws: Workspace, install: Install, method: str, args: dict[str, Any]) -> str:
    """The workspace a call with this installation's token is about."""
    if install.team_id is not None:
        return install.team_id
    teams = ws.installs.teams_of(install)
    given = str(args.get("team_id") or "")
    if given:
        if given not in teams:
            raise SlackError("team_access_not_granted")
        return given
    if method in NEEDS_TEAM_ID:
        raise SlackError("missing_argument")
    named = _named_team(ws, args)
    return named if named in teams else teams[0]


def _named_team(ws: Workspace, args: dict[str, Any]) -> str | None:
    """The workspace of the channel, person or trigger a call names."""
    channel = ws.channels.get(str(args.get("channel") or ""))
    if channel is not None and channel.teams:
        return channel.teams[0]
    trigger = ws.triggers.get(str(args.get("trigger_id") or ""))
    user_id = str(args.get("user") or args.get("user_id") or "")
    if trigger is not None:
        user_id = trigger.user_id
    return ws.home_of(user_id) if user_id in ws.users else None


def auth_test(ws: Workspace) -> dict[str, Any]:
    """auth.test for the acting installation. An org-wide token names the org: its `team_id`
    is the enterprise id, its url the org's enterprise.slack.com address."""
    install = ws.installs.acting.install
    org = ws.installs.orgs.get(install.enterprise_id or "")
    if install.is_enterprise_install and org is not None:
        url, team, team_id = (
            f"https://{domain_for(org.name)}.enterprise.slack.com/",
            org.name,
            org.id,
        )
    else:
        home = ws.teams[ws.team_id]
        url, team, team_id = f"https://{home.domain}.slack.com/", home.name, home.id
    out: dict[str, Any] = {"url": url, "team": team, "user": install.bot.name}
    out.update(team_id=team_id, user_id=install.bot.id, bot_id=install.bot.bot_id)
    if install.enterprise_id:
        out["enterprise_id"] = install.enterprise_id
    out["is_enterprise_install"] = install.is_enterprise_install
    return out


def user_json(ws: Workspace, user: User) -> dict[str, Any]:
    """users.info's user: a person of a Grid org also carries `enterprise_user`."""
    home = ws.home_of(user.id)
    out = user.to_slack(home)
    org = ws.installs.org_of(home)
    if org is not None:
        out["enterprise_user"] = {
            "id": user.id,
            "enterprise_id": org.id,
            "enterprise_name": org.name,
            "is_admin": user.org_admin,  # (the org's roles: a workspace admin is not one)
            "is_owner": False,
            "teams": [home],
        }
    return out


def team_json(ws: Workspace, team_id: str) -> dict[str, Any]:
    """team.info's team: a workspace of a Grid org names its org."""
    out = ws.teams[team_id].to_slack()
    org = ws.installs.org_of(team_id)
    if org is not None:
        out.update(enterprise_id=org.id, enterprise_name=org.name)
    return out


def enterprise_of(ws: Workspace, team_id: str) -> dict[str, str] | None:
    """{"id", "name"} of the workspace's Grid org, or None."""
    org = ws.installs.org_of(team_id)
    return {"id": org.id, "name": org.name} if org else None
