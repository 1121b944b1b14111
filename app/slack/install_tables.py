"""Where installations live when the app is installed by OAuth in many workspaces (issue 16).

slack-sdk's SQLAlchemy installation store keeps each installation (and its bot) in two
tables it defines itself; they are declared here on our metadata, the same way the store
builds them, so migrations and the schema check know them. `OAuthState` holds each install
attempt's `state` until Slack sends the person back (or it expires), so the attempt that
comes back is one this bot began, on whichever replica began it.
"""

from __future__ import annotations

from datetime import datetime

from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from app.store.types import UTCDateTime

BOTS_TABLE = AsyncSQLAlchemyInstallationStore.default_bots_table_name
INSTALLATIONS_TABLE = AsyncSQLAlchemyInstallationStore.default_installations_table_name
INSTALLATIONS = AsyncSQLAlchemyInstallationStore.build_installations_table(
    SQLModel.metadata, INSTALLATIONS_TABLE
)
BOTS = AsyncSQLAlchemyInstallationStore.build_bots_table(SQLModel.metadata, BOTS_TABLE)


class OAuthState(SQLModel, table=True):
    """One install attempt's `state`, good once until `expires_at`."""

    __tablename__ = "slack_oauth_state"

    state: str = Field(sa_column=Column(String(64), primary_key=True))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
