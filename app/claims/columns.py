"""The columns every claimed row carries (a mixin: each table still builds its own columns)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.store.types import UTCDateTime


class ClaimColumns(SQLModel):
    """Mix into a table model whose unique key identifies one message (app/claims/table.py).

    `claimed_by` is the process that holds the claim (`Deps.owner`, indexed so its heartbeat
    is one cheap UPDATE), `heartbeat_at` when it last said it is alive. `first_claimed_at` is
    when the message was first claimed (Slack cannot have it from earlier), and
    `attempt_started_at` when the attempt whose outcome is not known yet started (NULL once an
    attempt ended with a known outcome).
    """

    claimed_by: str | None = Field(default=None, max_length=64, index=True)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    heartbeat_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    first_claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempt_started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ts: str | None = Field(default=None, max_length=32)
    attempts: int = Field(default=0)
    retry_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=64)
