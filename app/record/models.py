"""Record tables: append-only entries, a chain head per incident, and stored file bytes.

UPDATE and DELETE on `record_entry` and `record_file` are refused by database triggers
(migration 0003_record), and so is REPLACE over a stored row on SQLite (0007_append_only).
`record_head` is the one mutable row per incident, and it only moves forward: appends lock it
first, so the chain never forks, and it holds the latest seq and hash.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from app.store.types import UTCDateTime

HASH_LENGTH = 64


class EntryKind(StrEnum):
    MESSAGE = "message"
    REPLY = "reply"
    FILE = "file"
    EDIT = "edit"
    DELETE = "delete"
    JOIN = "join"
    LEAVE = "leave"
    CHANNEL = "channel"
    ACTION = "action"
    REACTION_ADDED = "reaction_added"
    REACTION_REMOVED = "reaction_removed"
    PIN_ADDED = "pin_added"
    PIN_REMOVED = "pin_removed"

    @property
    def is_post(self) -> bool:
        """Something said in the channel (a version 1 that edits and deletions refer to)."""
        return self in {EntryKind.MESSAGE, EntryKind.REPLY, EntryKind.FILE}


class RecordEntry(SQLModel, table=True):
    __tablename__ = "record_entry"
    __table_args__ = (
        UniqueConstraint("incident_id", "seq", name="uq_record_entry_incident_seq"),
        UniqueConstraint("incident_id", "dedupe_key", name="uq_record_entry_incident_dedupe"),
        Index("ix_record_entry_user_id", "user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(sa_column=Column(Integer, ForeignKey("incident.id"), nullable=False))
    seq: int = Field(sa_column=Column(Integer, nullable=False))
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    dedupe_key: str = Field(sa_column=Column(String(200), nullable=False))
    channel_id: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    ts: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    thread_ts: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    user_id: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    user_name: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    event_id: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    client_msg_id: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    occurred_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    recovered: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    content: str = Field(sa_column=Column(Text, nullable=False))
    prev_hash: str = Field(sa_column=Column(String(HASH_LENGTH), nullable=False))
    hash: str = Field(sa_column=Column(String(HASH_LENGTH), nullable=False))


class RecordHead(SQLModel, table=True):
    """The latest link of an incident's chain; appends lock this row before reading it."""

    __tablename__ = "record_head"

    incident_id: int = Field(
        sa_column=Column(Integer, ForeignKey("incident.id"), primary_key=True, autoincrement=False)
    )
    seq: int = Field(sa_column=Column(Integer, nullable=False))
    hash: str = Field(sa_column=Column(String(HASH_LENGTH), nullable=False))


class RecordFile(SQLModel, table=True):
    """A shared file's bytes, addressed by their SHA-256 (entries name the hash)."""

    __tablename__ = "record_file"

    sha256: str = Field(sa_column=Column(String(HASH_LENGTH), primary_key=True))
    size: int = Field(sa_column=Column(Integer, nullable=False))
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
