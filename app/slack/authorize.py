"""Bolt's `authorize`: which bot token a request is served with, from the gateway serving its
workspace (app/slack/gateways.py). Nothing waits on Slack before the ack: the single token's
identity comes from auth.test at start, an installation's from the installation store."""

from __future__ import annotations

from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize

from app.slack.gateways import Gateways
from app.store.workspace import Workspace

GATEWAY = "crisisroom_gateway"  # where the serving gateway waits in Bolt's context


class GatewayAuthorize(AsyncAuthorize):
    def __init__(self, gateways: Gateways) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.gateways = gateways

    async def __call__(
        self,
        *,
        context: Any,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **_actor: Any,
    ) -> AuthorizeResult | None:
        """The serving gateway's bot, None for a workspace the app is not installed in
        (Bolt then answers that it is not installed); puts the gateway in `context`."""
        gateway = await self.gateways.serving(Workspace(team_id or "", enterprise_id))
        if not gateway.bot_user_id:
            if gateway is self.gateways.default and gateway.stopped is None:
                raise RuntimeError("Crisis Room has not started")
            return None
        context[GATEWAY] = gateway
        return AuthorizeResult(
            enterprise_id=gateway.enterprise_id or enterprise_id,
            team_id=gateway.team_id or team_id,
            bot_token=gateway.token,
            bot_id=gateway.bot_id,
            bot_user_id=gateway.bot_user_id,
        )
