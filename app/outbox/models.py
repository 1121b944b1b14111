"""One row per copy of something Slack shows: how far it must go, how far it has got."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.store.types import EnumFields, StrEnumType, UTCDateTime
from app.store.workspace import WorkspaceColumns


class OutboxKind(StrEnum):
    CARD_COPY = "card_copy"  # subject: the action; target: channel_id + ts of the copy
    BRIEF = "brief"  # subject: the incident; target: its war room (ts on the incident row)
    TOPIC = "topic"  # subject: the incident; target: its war room
    HOME = "home"  # subject 0; target: user_id (someone who opened their Home tab)
    # subject: the library version; user_id: the person or channel owed a copy; channel_id +
    # ts once it is posted (app/flows/library_cards.py)
    LIBRARY_CARD = "library_card"
    LIBRARY_OUTCOME = "library_outcome"  # subject: the library version; user_id: its author


class OutboxRow(EnumFields, WorkspaceColumns, SQLModel, table=True):
    """A copy is up to date when `done_version >= want_version`. A change moves `want_version`
    on in its own transaction; a worker leases the row (`claimed_by` until `claimed_until`),
    renders what is stored, calls Slack and moves `done_version` to what it rendered.
    `retry_at` is when it may next be tried (None: nothing to try until the next change)."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint(
            "kind", "subject_id", "channel_id", "ts", "user_id", name="uq_outbox_copy"
        ),
        Index("ix_outbox_due", "retry_at"),
        Index("ix_outbox_subject", "kind", "subject_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: OutboxKind = Field(sa_column=Column(StrEnumType(OutboxKind, 16), nullable=False))
    subject_id: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    channel_id: str = Field(default="", sa_column=Column(String(32), nullable=False, default=""))
    ts: str = Field(default="", sa_column=Column(String(32), nullable=False, default=""))
    user_id: str = Field(default="", sa_column=Column(String(32), nullable=False, default=""))
    want_version: int = Field(default=1, sa_column=Column(Integer, nullable=False, default=1))
    done_version: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    changed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    retry_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    claimed_by: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    claimed_until: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    last_error: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    told_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))

    @property
    def stale(self) -> bool:
        return self.done_version < self.want_version
