"""Which gateway (which bot token) serves a workspace (issue 16).

`Gateways`: the internal app, SLACK_BOT_TOKEN for its one workspace (or its Grid org, when the
token is an org-wide install's). `Installed`: the app installed by OAuth in many workspaces;
each installation's bot token is in slack-sdk's installation store (in our database), and
each workspace gets a gateway of its own (its own token and users.info cache) over one shared
HTTP session. A workspace the app is not installed in (or was uninstalled from) gets a gateway
that refuses every call, saying so.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiohttp import ClientSession, ClientTimeout
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore

from app.clock import Clock
from app.slack.gateway import SlackGateway
from app.slack.gateway_core import make_client
from app.store.workspace import Workspace

REREAD = timedelta(seconds=60)
NOT_INSTALLED = "the app is not installed in this workspace; someone there can install it again"


class Gateways:
    """The gateway serving a workspace; the base serves every workspace with one."""

    def __init__(self, gateway: SlackGateway) -> None:
        self.default = gateway

    async def serving(self, team: Workspace | None) -> SlackGateway:
        return self.default

    async def uninstalled(self, team: Workspace, *, org_wide: bool, reason: str) -> bool:
        """Slack uninstalled the app or revoked its token: stop using it; False when it was
        stopped already (the news came twice)."""
        if self.default.stopped is not None:
            return False
        self.default.stop_using_token(f"{reason}; reinstall the app and restart with the new token")
        return True

    async def open_http(self) -> None:
        await self.default.open_http()

    async def close_http(self) -> None:
        await self.default.close_http()


@dataclass(frozen=True)
class _Key:
    enterprise_id: str | None
    team_id: str | None


class Installed(Gateways):
    """One gateway per installation, from slack-sdk's installation store."""

    def __init__(
        self, store: AsyncInstallationStore, *, api_url: str, clock: Clock, timeout: int = 30
    ) -> None:
        self.store = store
        self.api_url = api_url
        self.clock = clock
        self.timeout = timeout
        self._gateways: dict[_Key, SlackGateway] = {}
        # Which gateway served a workspace, until when (then the store is read again: another
        # replica may have seen an uninstall or a reinstall meanwhile).
        self._found: dict[Workspace, tuple[datetime, SlackGateway]] = {}
        self._forgotten = 0  # uninstalls seen: a lookup begun before one is not kept
        self._http: ClientSession | None = None
        self._removing = asyncio.Lock()
        refused = SlackGateway(make_client(token="", base_url=api_url), clock)
        refused.stop_using_token(NOT_INSTALLED)
        super().__init__(refused)

    async def serving(self, team: Workspace | None) -> SlackGateway:
        if team is None or not (team.team_id or team.enterprise_id):
            return self.default
        found = self._found.get(team)
        if found is not None and self.clock.now() < found[0]:
            return found[1]
        forgotten = self._forgotten
        gateway = await self._serving(team)
        if forgotten != self._forgotten:  # an uninstall came meanwhile: look again
            return await self.serving(team)
        if gateway is not self.default:  # (not installed: looked up again next time)
            self._found[team] = (self.clock.now() + REREAD, gateway)
        return gateway

    async def _serving(self, team: Workspace) -> SlackGateway:
        bot = await self._bot(team)
        if bot is None or not bot.bot_token:
            return self.default
        key = _Key(bot.enterprise_id, None if bot.is_enterprise_install else bot.team_id)
        known = self._gateways.get(key)
        if known is not None and known.token == bot.bot_token:
            return known
        gateway = self._gateway(bot)
        self._gateways[key] = gateway
        return gateway

    async def _bot(self, team: Workspace) -> Bot | None:
        """The workspace's own installation, else its Grid org's org-wide one."""
        bot = None
        if team.team_id:
            bot = await self.store.async_find_bot(
                enterprise_id=team.enterprise_id, team_id=team.team_id
            )
        if bot is None and team.enterprise_id:
            bot = await self.store.async_find_bot(
                enterprise_id=team.enterprise_id, team_id=None, is_enterprise_install=True
            )
        return bot

    def _gateway(self, bot: Bot) -> SlackGateway:
        client = make_client(token=bot.bot_token or "", base_url=self.api_url)
        if self._http is not None:
            client.session = self._http
        gateway = SlackGateway(client, self.clock)
        gateway.known_as(
            bot_user_id=bot.bot_user_id or "",
            bot_id=bot.bot_id,
            team_id="" if bot.is_enterprise_install else bot.team_id or "",
            enterprise_id=bot.enterprise_id,
            org_install=bool(bot.is_enterprise_install),
        )
        return gateway

    def _forget(self, team: Workspace, *, org_wide: bool) -> None:
        """That workspace's (or org's) installation is gone: its gateway stops for good."""
        gone = self._gateways.pop(
            _Key(team.enterprise_id, None if org_wide else team.team_id), None
        )
        self._found.clear()
        self._forgotten += 1
        if gone is not None:
            gone.stop_using_token(NOT_INSTALLED)

    async def uninstalled(self, team: Workspace, *, org_wide: bool, reason: str) -> bool:
        """Delete the workspace's (or org's) installation, so nothing serves it any more; the
        rest of the workspaces go on. False when there was none left (the news came twice)."""
        enterprise_id, team_id = team.enterprise_id, None if org_wide else team.team_id or None
        async with self._removing:  # tokens_revoked and app_uninstalled come together
            bot = await self.store.async_find_bot(
                enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=org_wide
            )
            self._forget(team, org_wide=org_wide)
            if bot is None:
                return False
            await self.store.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)
            await self.store.async_delete_installation(enterprise_id=enterprise_id, team_id=team_id)
        return True

    async def open_http(self) -> None:
        if self._http is None:
            self._http = ClientSession(timeout=ClientTimeout(total=self.timeout))

    async def close_http(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None
