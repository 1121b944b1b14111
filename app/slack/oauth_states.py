"""The OAuth state store (slack-sdk's interface) in our database, async through our engine:
slack-sdk's own SQLAlchemy state store is synchronous only. A state is issued when someone
opens /slack/install and consumed once when Slack sends them back; expired ones are removed
as new ones are issued."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Any

from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from sqlalchemy import delete

from app.clock import Clock
from app.slack.install_tables import OAuthState
from app.store.engine import SessionFactory

STATE_MINUTES = 10  # how long a person has to allow the app (slack-sdk's stores: 10 minutes)


class DatabaseStateStore(AsyncOAuthStateStore):
    def __init__(self, db: SessionFactory, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    @property
    def logger(self) -> logging.Logger:  # (slack-sdk's interface asks for one)
        return logging.getLogger(__name__)

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        now = self.clock.now()
        async with self.db.begin() as session:
            await session.exec(delete(OAuthState).where(OAuthState.expires_at < now))  # type: ignore[arg-type]
            session.add(OAuthState(state=state, expires_at=now + timedelta(minutes=STATE_MINUTES)))
        return state

    async def async_consume(self, state: str) -> bool:
        """True once for a state this bot issued that has not expired."""
        async with self.db.begin() as session:
            found = await session.get(OAuthState, state[:64])
            if found is None:
                return False
            await session.delete(found)
            return found.expires_at >= self.clock.now()
