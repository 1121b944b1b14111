"""Installations of the app: one per workspace, or one org-wide for an Enterprise Grid org.

Every Web API call is answered for its token's installation. While a call is handled the
workspace "acts as" that installation (`Installs.acting`): `ws.bot` is its bot user and
`ws.team_id` the workspace the call is about (for an org-wide token, the `team_id` argument, or
the workspace of the channel, person or trigger it names). Handlers are synchronous, so one
call's acting installation never leaks into another's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from app.slackdouble.models import User

DEFAULT_SCOPES = ("chat:write", "channels:manage", "groups:write", "users:read", "team:read")


@dataclass
class Install:
    """One installation: of a workspace (`team_id`), or org-wide (`team_id` None)."""

    token: str
    bot: User
    team_id: str | None
    enterprise_id: str | None = None
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    installer: str | None = None
    revoked: bool = False

    @property
    def is_enterprise_install(self) -> bool:
        return self.team_id is None

    @property
    def org_key(self) -> str | None:
        """The org an org-wide installation is for (None for a workspace's)."""
        return self.enterprise_id if self.team_id is None else None


@dataclass
class Org:
    """An Enterprise Grid org and its workspaces."""

    id: str
    name: str
    teams: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Acting:
    install: Install
    team_id: str


class Installs:
    """Every installation, the installed workspaces, the Grid orgs, and who acts now."""

    def __init__(self, home: Install) -> None:
        assert home.team_id is not None
        self.home = home
        self.all: list[Install] = [home]
        self.workspaces: dict[str, str | None] = {home.team_id: None}  # team → its Grid org
        self.orgs: dict[str, Org] = {}
        self.acting = Acting(home, home.team_id)

    def find(self, token: str) -> Install | None:
        return next((i for i in self.all if i.token == token), None)

    def org_of(self, team_id: str | None) -> Org | None:
        enterprise_id = self.workspaces.get(team_id or "")
        return self.orgs.get(enterprise_id) if enterprise_id else None

    def teams_of(self, install: Install) -> list[str]:
        if install.team_id is not None:
            return [install.team_id]
        org = self.orgs.get(install.enterprise_id or "")
        return list(org.teams) if org else []

    def serving(self, team_id: str) -> Install | None:
        """The live installation that serves a workspace: its org's org-wide one, else its own."""
        live = [i for i in self.all if not i.revoked and team_id in self.teams_of(i)]
        org_wide = [i for i in live if i.is_enterprise_install]
        chosen = org_wide or live
        return chosen[0] if chosen else None

    def latest(self, team_or_enterprise: str) -> Install | None:
        """The newest installation for a workspace or (org-wide) an org, revoked or not."""
        found = [i for i in self.all if team_or_enterprise in (i.team_id, i.org_key)]
        return found[-1] if found else None

    def same_org(self, team_a: str, team_b: str) -> bool:
        org = self.org_of(team_a)
        return org is not None and team_b in org.teams

    @contextmanager
    def acting_as(self, install: Install, team_id: str) -> Iterator[None]:
        before = self.acting
        self.acting = Acting(install, team_id)
        try:
            yield
        finally:
            self.acting = before
