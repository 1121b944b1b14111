"""Signatures of Slack requests already served, so a replayed request runs at most once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, String
from sqlmodel import Field, SQLModel

from app.store.types import UTCDateTime


class SeenRequest(SQLModel, table=True):
    """One signed request the bot accepted, kept while Slack's 5-minute window is open.

    The key is the SHA-256 of the request's `X-Slack-Signature`, which covers its timestamp
    and body: inserting it twice conflicts, and the second request is a replay.
    """

    __tablename__ = "slack_request_seen"

    signature_sha256: str = Field(sa_column=Column(String(64), primary_key=True))
    signed_at: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    seen_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
