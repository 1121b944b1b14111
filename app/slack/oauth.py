"""Installing the app in many workspaces (issue 16): Bolt's OAuth flow, with slack-sdk's
installation store and our state store in the bot's own database.

/slack/install starts an attempt (a `state`, kept in the database and in a cookie, and a
link to Slack's consent page); Slack sends the person back to /slack/oauth_redirect with a
`code`, which the flow trades at oauth.v2.access for the workspace's bot token; the
installation is stored, and from then on the workspace's requests are served with it.
"""

from __future__ import annotations

from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from sqlalchemy.ext.asyncio import AsyncEngine

from app.clock import Clock
from app.settings import Settings
from app.slack.gateway_core import make_client
from app.slack.oauth_states import STATE_MINUTES, DatabaseStateStore
from app.store.engine import SessionFactory

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# The bot scopes the app asks for: manifest.yml's oauth_config.scopes.bot (a test keeps
# them the same).
BOT_SCOPES = (
    "channels:history",
    "chat:write",
    "commands",
    "files:read",
    "files:write",
    "groups:history",
    "groups:read",
    "groups:write",
    "im:history",
    "im:write",
    "pins:read",
    "pins:write",
    "reactions:read",
    "team:read",
    "usergroups:read",
    "users:read",
)


def installation_store(settings: Settings, engine: AsyncEngine) -> AsyncSQLAlchemyInstallationStore:
    """slack-sdk's store over our engine (its tables come from migration 0023)."""
    return AsyncSQLAlchemyInstallationStore(client_id=settings.slack_client_id or "", engine=engine)


def authorization_url(api_url: str) -> str:
    """Slack's consent page, beside its Web API (https://slack.com/oauth/v2/authorize; the
    test double's, when SLACK_API_URL points at it)."""
    return api_url.rstrip("/").removesuffix("/api") + "/oauth/v2/authorize"


def oauth_flow(
    settings: Settings,
    store: AsyncSQLAlchemyInstallationStore,
    db: SessionFactory,
    clock: Clock,
) -> AsyncOAuthFlow:
    secret = settings.slack_client_secret
    oauth = AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=secret.get_secret_value() if secret else None,
        scopes=list(BOT_SCOPES),
        redirect_uri=settings.slack_redirect_uri,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=authorization_url(settings.slack_api_url),
        installation_store=store,
        installation_store_bot_only=True,
        state_store=DatabaseStateStore(db, clock),
        state_expiration_seconds=STATE_MINUTES * 60,
    )
    # oauth.v2.access and the auth.test after it go where every other Web API call goes.
    client = make_client(token="", base_url=settings.slack_api_url)
    return AsyncOAuthFlow(client=client, settings=oauth)
