"""SlackDouble's side of many workspaces and Grid orgs (adding them, OAuth consent, uninstall,
acting as a person of any of them: see app/slackdouble/workspaces.py), and of Slack Connect
partners from other organisations (app/slackdouble/connect.py)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from app.slackdouble import connect, installing
from app.slackdouble.models import User
from app.slackdouble.oauth import OAuth
from app.slackdouble.workspace import Workspace


class ManyWorkspaces:
    ws: Workspace
    oauth: OAuth

    def add_workspace(
        self,
        team_id: str,
        name: str,
        *,
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
    ) -> str:
        """Another workspace with the app installed (in a Grid org if `enterprise_id`): its
        bot token. The first workspace keeps its token and ids."""
        return installing.add_workspace(
            self.ws, team_id, name, enterprise_id=enterprise_id, enterprise_name=enterprise_name
        ).token

    def add_org(self, enterprise_id: str, name: str, workspaces: Iterable[str]) -> str:
        """A Grid org over these (added) workspaces, the app installed org-wide
        (org_deploy_enabled): the org-wide bot token, good in every workspace of the org."""
        teams = list(workspaces)
        if not teams:
            raise ValueError("an org needs at least one workspace")
        return installing.add_org(self.ws, enterprise_id, name, teams).token

    def token_for(self, team_or_enterprise: str) -> str:
        """The current bot token of a workspace's (or an org-wide) installation."""
        found = self.ws.installs.latest(team_or_enterprise)
        if found is None:
            raise ValueError(f"the app was never installed in {team_or_enterprise}")
        return found.token

    def bot_user_id_in(self, team_id: str) -> str:
        """The bot user that serves a workspace (an org-wide install's, if any)."""
        found = self.ws.installs.serving(team_id)
        if found is None:
            raise ValueError(f"the app is not installed in {team_id}")
        return found.bot.id

    @property
    def client_id(self) -> str:
        return self.oauth.client_id

    @property
    def client_secret(self) -> str:
        return self.oauth.client_secret

    def consent(
        self,
        team_id: str,
        user_id: str,
        *,
        scopes: Iterable[str],
        state: str,
        redirect_uri: str | None = None,
    ) -> str:
        """`user_id` allows the app in workspace `team_id` (org-wide for a Grid org's id): the
        `code` Slack puts on the redirect, good once at oauth.v2.access."""
        return self.oauth.consent(
            team_id, user_id, scopes=tuple(scopes), state=state, redirect_uri=redirect_uri
        )

    def uninstall(self, team_or_enterprise: str) -> None:
        """Remove the app from a workspace (or org-wide from an org): its token stops working
        and the app hears `tokens_revoked` and `app_uninstalled` for it alone."""
        installing.uninstall(self.ws, team_or_enterprise)

    def add_external_user(
        self,
        user_id: str,
        name: str,
        *,
        team_id: str,
        team_name: str,
        real_name: str | None = None,
    ) -> None:
        """A person from another organisation (team `team_id`, called `team_name`), reachable
        in channels shared with that team: users.info answers with their home `team_id`,
        team.info knows their team, users.list (our workspace's people) leaves them out."""
        if user_id in self.ws.users:
            raise ValueError(f"user {user_id} already exists")
        if team_id in self.ws.installs.workspaces:
            raise ValueError(f"{team_id} is our own workspace (add_user(..., team_id=...))")
        known = self.ws.teams.get(team_id)
        if known is not None and known.name != team_name:
            raise ValueError(f"team {team_id} is already called {known.name!r}")
        self.ws.teams[team_id] = connect.Team(team_id, team_name, connect.domain_for(team_name))
        user = User(user_id, name, real_name or name, team_id=team_id)
        self.ws.users[user_id] = user

    def connect_channel(self, channel: str, team_id: str, *, announce: bool = False) -> None:
        """Share a channel (id or #name) with an external team, as an accepted Slack Connect
        invitation does; `announce` also emits `channel_shared` (for apps subscribed to it)."""
        found = self.ws.channels.get(channel) or self.ws.channel_by_name(channel)
        if found is None or found.is_im:
            raise ValueError(f"unknown channel {channel!r}")
        with self.ws.acting_in(found.teams[0]):
            connect.connect(self.ws, found, team_id, announce=announce)

    @contextmanager
    def acting_for(self, user_id: str, channel: str) -> Iterator[None]:
        """Where a person's action happens: the workspace of the channel (or of the bot whose
        DM it is), else the person's own."""
        ws = self.ws
        bots = (i for i in ws.installs.all if i.bot.id == channel and not i.revoked)
        install = next(bots, None)
        if install is not None:
            with ws.acting_as(install, install.team_id or ws.home_of(user_id)):
                yield
            return
        home = ws.home_of(user_id)
        named = [
            c
            for c in ws.channels.values()
            if c.id == channel or (not c.is_im and channel in (c.name, f"#{c.name}"))
        ]
        mine = [c for c in named if home in c.teams] or named
        with ws.acting_in(mine[0].teams[0] if mine and mine[0].teams else home):
            yield
