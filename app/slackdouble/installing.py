"""Adding workspaces and Grid orgs, installing the app in them, and uninstalling it.

An uninstall revokes that installation's token (Slack then answers `account_inactive`, its
error for a bot token whose app was removed) and tells the app, for that workspace or org
only: `tokens_revoked` (the bot's user id) then `app_uninstalled`, in envelopes that carry
no `authorizations` (nothing is installed any more).
"""

from __future__ import annotations

from app.slackdouble.connect import Team, domain_for
from app.slackdouble.models import User
from app.slackdouble.workspace import Workspace
from app.slackdouble.workspaces import DEFAULT_SCOPES, Install, Org


def new_token(ws: Workspace) -> str:
    """A bot token shaped like Slack's: xoxb-<team number>-<bot number>-<secret>."""
    stream = ws.ids.of("token")
    team, bot = (str(int(stream.token_hex(6), 16))[:13] for _ in range(2))
    return f"xoxb-{team}-{bot}-{stream.token_urlsafe(18)[:24]}"


def new_bot(ws: Workspace, team_id: str) -> User:
    """The app's bot user in a workspace (an org-wide install's lives in the org's first)."""
    bot = User(ws.new_id("U"), "crisisroom", "Crisis Room", is_bot=True, bot_id=ws.new_id("B"))
    bot.team_id = team_id
    ws.users[bot.id] = bot
    return bot


def add_workspace(
    ws: Workspace,
    team_id: str,
    name: str,
    *,
    enterprise_id: str | None = None,
    enterprise_name: str | None = None,
) -> Install:
    """A workspace (in a Grid org when `enterprise_id`), with the app installed in it."""
    if team_id in ws.installs.workspaces or team_id in ws.teams:
        raise ValueError(f"team {team_id} already exists")
    if enterprise_id is not None:
        org = ws.installs.orgs.get(enterprise_id)
        if org is None:
            org = ws.installs.orgs[enterprise_id] = Org(enterprise_id, enterprise_name or "")
        elif enterprise_name not in (None, org.name):
            raise ValueError(f"org {enterprise_id} is already called {org.name!r}")
        org.teams.append(team_id)
    ws.teams[team_id] = Team(team_id, name, domain_for(name))
    ws.installs.workspaces[team_id] = enterprise_id
    return install(ws, team_id=team_id, enterprise_id=enterprise_id)


def add_org(ws: Workspace, enterprise_id: str, name: str, workspaces: list[str]) -> Install:
    """A Grid org over existing workspaces, with the app installed org-wide."""
    org = ws.installs.orgs.setdefault(enterprise_id, Org(enterprise_id, name))
    org.name = org.name or name
    for team_id in workspaces:
        if team_id not in ws.installs.workspaces:
            raise ValueError(f"unknown workspace {team_id}: add_workspace it first")
        if ws.installs.workspaces[team_id] not in (None, enterprise_id):
            raise ValueError(f"{team_id} belongs to another org")
        ws.installs.workspaces[team_id] = enterprise_id
        if team_id not in org.teams:
            org.teams.append(team_id)
    return install(ws, team_id=None, enterprise_id=enterprise_id)


def install(
    ws: Workspace,
    *,
    team_id: str | None,
    enterprise_id: str | None,
    scopes: tuple[str, ...] = DEFAULT_SCOPES,
    installer: str | None = None,
) -> Install:
    """Install the app (again): a live installation keeps its token and gains the scopes; a
    revoked one is replaced by a new token for the same bot user."""
    key = team_id or enterprise_id or ""
    found = ws.installs.latest(key)
    if found is not None and not found.revoked:
        found.scopes = tuple(dict.fromkeys([*found.scopes, *scopes]))
        found.installer = installer or found.installer
        return found
    home = team_id or ws.installs.orgs[enterprise_id or ""].teams[0]
    bot = found.bot if found is not None else new_bot(ws, home)
    fresh = Install(new_token(ws), bot, team_id, enterprise_id, scopes, installer)
    ws.installs.all.append(fresh)
    return fresh


def uninstall(ws: Workspace, team_or_enterprise: str) -> Install:
    """Remove the app from a workspace (or, for an org id, its org-wide installation)."""
    found = ws.installs.latest(team_or_enterprise)
    if found is None or found.revoked:
        raise ValueError(f"the app is not installed in {team_or_enterprise}")
    with ws.acting_as(found):
        found.revoked = True
        tokens = {"oauth": [], "bot": [found.bot.id]}  # the double issues no user tokens
        ws.emit({"type": "tokens_revoked", "tokens": tokens}, stamp_team=False)
        ws.emit({"type": "app_uninstalled"}, stamp_team=False)
    return found
