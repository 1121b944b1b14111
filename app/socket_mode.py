"""Connecting a CrisisRoom to Slack in Socket Mode (what `serve` and the tests both use).

Bolt's AsyncSocketModeHandler (slack-sdk's aiohttp SocketModeClient) does the protocol. Its
client retries a refused `apps.connections.open` every few seconds forever, so the app token
is checked first with one call of our own: a revoked or invalid token stops start-up with one
line instead of a traceback every ten seconds.
"""

from __future__ import annotations

import logging

import aiohttp
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from app.errors import CrisisError
from app.main import CrisisRoom

logger = logging.getLogger(__name__)

TOKEN_ERRORS = {
    "invalid_auth",
    "not_authed",
    "token_revoked",
    "token_expired",
    "account_inactive",
    "not_allowed_token_type",
    "missing_scope",
}


class AppTokenRefused(CrisisError):
    """Slack would not open a Socket Mode link with this app-level token."""


def socket_client(api_url: str) -> AsyncWebClient:
    """The Web API client Socket Mode uses: Slack's (or the double's) SLACK_API_URL, no token."""
    return AsyncWebClient(base_url=api_url, timeout=30)


async def check_app_token(*, app_token: str, api_url: str) -> None:
    """Ask Slack for a Socket Mode URL once; raise AppTokenRefused with one clear line."""
    try:
        await socket_client(api_url).apps_connections_open(app_token=app_token)
    except SlackApiError as error:
        code = str(error.response.get("error", "unknown_error"))
        raise AppTokenRefused(_refused(code)) from None
    except (SlackClientError, aiohttp.ClientError, TimeoutError) as error:
        raise AppTokenRefused(
            f"couldn't reach Slack at {api_url} to open Socket Mode ({type(error).__name__})"
        ) from None


def _refused(code: str) -> str:
    if code in TOKEN_ERRORS:
        return (
            f"SLACK_APP_TOKEN was refused by Slack ({code}): "
            "create a new app-level token with connections:write"
        )
    return f"Slack would not open a Socket Mode connection ({code})"


async def open_socket_mode(
    room: CrisisRoom, *, app_token: str, api_url: str
) -> AsyncSocketModeHandler:
    """Check the app token, then connect the room's Bolt app over Socket Mode."""
    await check_app_token(app_token=app_token, api_url=api_url)
    handler = AsyncSocketModeHandler(
        room.bolt,
        app_token,
        logger=logging.getLogger("app.bolt.socket_mode"),  # its DEBUG lines carry payloads
        web_client=socket_client(api_url),
    )
    await handler.connect_async()
    logger.info("connected to Slack in Socket Mode")
    return handler
