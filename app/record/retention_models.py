"""The purge log (a tombstone per purged incident) and the purge grant that lets one purge by.

`purge_log` is append-only like the record (migration 0009_retention). `purge_grant` exists
only inside a purge's transaction: the database lets the record of an incident be deleted
only while a grant for it is there, accepts a grant only next to its tombstone for a resolved
incident past retention and not on hold, refuses to drop the grant while anything of the
incident is left, and refuses to commit a grant that is still there (a deferred foreign key
from `seal` to a grant of incident 0, which cannot exist).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
)
from sqlmodel import Field, SQLModel

from app.store.types import UTCDateTime

SEAL = 0  # no grant is ever for incident 0, so a grant left at commit breaks its foreign key


class PurgeLog(SQLModel, table=True):
    """What is left of a purged incident: enough to show it existed and what its record was."""

    __tablename__ = "purge_log"
    __table_args__ = (Index("ix_purge_log_incident_id", "incident_id"),)

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(sa_column=Column(Integer, nullable=False))
    channel_id: str = Field(sa_column=Column(String(32), nullable=False))
    title_sha256: str = Field(sa_column=Column(String(64), nullable=False))
    entry_count: int = Field(sa_column=Column(Integer, nullable=False))
    final_hash: str = Field(sa_column=Column(String(64), nullable=False))
    files_purged: int = Field(sa_column=Column(Integer, nullable=False))
    opened_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    resolved_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    purged_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    retention_days: int = Field(sa_column=Column(Integer, nullable=False))
    reason: str = Field(sa_column=Column(Text, nullable=False))


class PurgeGrant(SQLModel, table=True):
    __tablename__ = "purge_grant"
    __table_args__ = (
        CheckConstraint("incident_id > 0", name="ck_purge_grant_incident"),
        CheckConstraint(f"seal = {SEAL}", name="ck_purge_grant_seal"),
        ForeignKeyConstraint(
            ["seal"],
            ["purge_grant.incident_id"],
            name="fk_purge_grant_seal",
            deferrable=True,
            initially="DEFERRED",
        ),
    )

    incident_id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    tombstone_id: int = Field(sa_column=Column(Integer, ForeignKey("purge_log.id"), nullable=False))
    seal: int = Field(default=SEAL, sa_column=Column(Integer, nullable=False, default=SEAL))
