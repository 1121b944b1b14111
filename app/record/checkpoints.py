"""Record checkpoints: which entry's hash is owed to CRISIS_CHECKPOINT_CHANNEL, and when.

A checkpoint is posted for entry N, 2N, 3N … of each incident (N = CRISIS_CHECKPOINT_EVERY),
and, while an incident is open, at its latest entry whenever an hour has passed since its last
checkpoint (or its opening) and entries were added since. Each checkpoint is a row, unique per
incident and seq, claimed before it is posted (see `checkpoint_claims`), so it is posted once
however many processes share the database, and a failed post is retried.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Column, ForeignKey, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.store.types import UTCDateTime

HOURLY = timedelta(hours=1)


class RecordCheckpoint(SQLModel, table=True):
    __tablename__ = "record_checkpoint"
    __table_args__ = (
        UniqueConstraint("incident_id", "seq", name="uq_record_checkpoint_incident_seq"),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(sa_column=Column(Integer, ForeignKey("incident.id"), nullable=False))
    seq: int = Field(sa_column=Column(Integer, nullable=False))
    hash: str = Field(sa_column=Column(String(64), nullable=False))
    claimed_by: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    claimed_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    posted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    ts: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    retry_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    last_error: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))


@dataclass(frozen=True)
class ChainState:
    """What decides an incident's next checkpoint."""

    incident_id: int
    head_seq: int
    is_open: bool
    opened_at: datetime
    last_seq: int = 0  # the highest checkpoint claimed, posted or waiting for a retry
    last_at: datetime | None = None  # when the latest checkpoint was posted (or claimed)


def owed(state: ChainState, *, every: int, now: datetime) -> int | None:
    """The seq whose checkpoint is owed now, or None."""
    if state.head_seq <= state.last_seq:
        return None
    multiple = state.head_seq // every * every
    if multiple > state.last_seq:
        return multiple
    since = state.last_at or state.opened_at
    if state.is_open and now - since >= HOURLY:
        return state.head_seq
    return None
