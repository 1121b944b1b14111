"""Library entries, every version of their wording, the approvals each version needs, its cards.

An entry is a key (`apology-wait`) with a crisis kind and an audience. Its words live in
versions: each is proposed, then approved or rejected by the roles the approval policy names for
a public statement; only an approved version can be used, and every version stays as the
audit trail.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.approvals.models import DecisionState
from app.roles.models import Role
from app.store.types import EnumFields, StrEnumType, UTCDateTime
from app.store.workspace import WorkspaceColumns

KEY_MAX = 64
TITLE_MAX = 300
TEXT_MAX = 3000
KINDS: tuple[str, ...] = (
    "service_failure_viral",
    "product_recall",
    "data_incident",
    "executive_conduct",
    "positive_virality",
)
AUDIENCES: tuple[str, ...] = ("public", "customers", "press", "social", "employees", "executives")


class VersionState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return {"pending": "Waiting for approval", "approved": "Approved", "rejected": "Rejected"}[
            self.value
        ]


class LibraryEntry(WorkspaceColumns, table=True):
    __tablename__ = "library_entry"
    # A key is unique within its workspace.
    __table_args__ = (UniqueConstraint("team_id", "key", name="uq_library_entry_team_key"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=Column(String(KEY_MAX), nullable=False))
    kind: str = Field(sa_column=Column(String(32), nullable=False))
    audience: str = Field(sa_column=Column(String(32), nullable=False))
    created_by: str = Field(sa_column=Column(String(32), nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class LibraryVersion(EnumFields, SQLModel, table=True):
    """One wording of an entry; version 1 is the first proposal."""

    __tablename__ = "library_version"
    __table_args__ = (
        UniqueConstraint("entry_id", "version", name="uq_library_version_entry_version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(
        sa_column=Column(Integer, ForeignKey("library_entry.id"), nullable=False, index=True)
    )
    version: int = Field(sa_column=Column(Integer, nullable=False))
    title: str = Field(sa_column=Column(String(TITLE_MAX), nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    state: VersionState = Field(
        default=VersionState.PENDING,
        sa_column=Column(StrEnumType(VersionState, 16), nullable=False),
    )
    proposed_by: str = Field(sa_column=Column(String(32), nullable=False))
    proposed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    decided_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )


class LibraryApproval(EnumFields, SQLModel, table=True):
    """One role's decision on one library version."""

    __tablename__ = "library_approval"
    __table_args__ = (
        UniqueConstraint("version_id", "role", name="uq_library_approval_version_role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(
        sa_column=Column(Integer, ForeignKey("library_version.id"), nullable=False, index=True)
    )
    role: Role = Field(sa_column=Column(StrEnumType(Role, 16), nullable=False))
    state: DecisionState = Field(
        default=DecisionState.PENDING,
        sa_column=Column(StrEnumType(DecisionState, 24), nullable=False),
    )
    decided_by: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    decided_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class LibraryCard(SQLModel, table=True):
    """Where a version's approval card was posted (approvers' DMs, the library channel)."""

    __tablename__ = "library_card"
    __table_args__ = (UniqueConstraint("channel_id", "ts", name="uq_library_card_channel_ts"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(
        sa_column=Column(Integer, ForeignKey("library_version.id"), nullable=False, index=True)
    )
    channel_id: str = Field(sa_column=Column(String(32), nullable=False))
    ts: str = Field(sa_column=Column(String(32), nullable=False))
