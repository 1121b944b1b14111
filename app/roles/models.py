"""Role assignments, kept with their history."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Column, Index, String, false
from sqlmodel import Field

from app.store.types import EnumFields, StrEnumType, UTCDateTime
from app.store.workspace import WorkspaceColumns


class Role(StrEnum):
    LEAD = "lead"
    EXEC = "exec"
    LEGAL = "legal"
    MARKETING = "marketing"
    SOCIAL = "social"

    @property
    def label(self) -> str:
        return {
            "lead": "Incident lead",
            "exec": "Executive",
            "legal": "Legal",
            "marketing": "Marketing",
            "social": "Social",
        }[self.value]


ROLE_NAMES = ", ".join(role.value for role in Role)


class RoleAssignment(EnumFields, WorkspaceColumns, table=True):
    """One person holding one role (or standing by as its backup); removal is recorded, never
    deleted."""

    __tablename__ = "role_assignment"
    __table_args__ = (
        Index("ix_role_assignment_active", "role", "removed_at"),
        Index("ix_role_assignment_team", "team_id", "role", "removed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    role: Role = Field(sa_column=Column(StrEnumType(Role, 16), nullable=False))
    user_id: str = Field(sa_column=Column(String(32), nullable=False))
    assigned_by: str = Field(sa_column=Column(String(32), nullable=False))
    assigned_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    removed_by: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    removed_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    # A backup is not asked for approvals at first: only when an approval of the role has
    # waited twice its response time (app/flows/approval_reminders.py).
    backup: bool = Field(
        default=False,
        sa_column=Column(Boolean, nullable=False, default=False, server_default=false()),
    )
