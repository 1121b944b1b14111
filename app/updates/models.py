"""Posted stakeholder updates, and the reminders (nudges, escalations) owed per due period."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.claims.columns import ClaimColumns
from app.incidents.models import Status
from app.store.types import EnumFields, StrEnumType, UTCDateTime
from app.store.workspace import WorkspaceColumns

CHANGED_MAX = 2000
ACTIONS_MAX = 2000
NEXT_STEPS_MAX = 2000
METRICS_MAX = 500
RESOLUTION_MAX = 1000


class UpdateKind(StrEnum):
    UPDATE = "update"
    RESOLUTION = "resolution"


class StatusUpdate(EnumFields, SQLModel, table=True):
    """One stakeholder update as it was posted (a resolution summary is one too)."""

    __tablename__ = "status_update"

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(
        sa_column=Column(Integer, ForeignKey("incident.id"), nullable=False, index=True)
    )
    kind: UpdateKind = Field(
        default=UpdateKind.UPDATE, sa_column=Column(StrEnumType(UpdateKind, 16), nullable=False)
    )
    status: Status = Field(sa_column=Column(StrEnumType(Status, 16), nullable=False))
    changed: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    actions: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    next_steps: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    metrics: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    next_due: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    posted_by: str = Field(sa_column=Column(String(32), nullable=False))
    posted_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    channel_ts: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    summary_ts: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))


class ReminderKind(StrEnum):
    NUDGE = "nudge"
    ESCALATION = "escalation"


class Reminder(EnumFields, WorkspaceColumns, ClaimColumns, table=True):
    """One message owed for one due period: the nudge, or an escalation DM or channel note.

    The unique key makes it a claim: a process sends it only after winning the row (inserting
    it, or taking it back when its claim is released or its owner stopped beating) and marks it
    sent afterwards (app/updates/claims.py; the claim columns: app/claims/columns.py).
    """

    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint(
            "incident_id", "due_at", "kind", "recipient", name="uq_reminder_period_recipient"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(sa_column=Column(Integer, ForeignKey("incident.id"), nullable=False))
    due_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    kind: ReminderKind = Field(sa_column=Column(StrEnumType(ReminderKind, 16), nullable=False))
    recipient: str = Field(sa_column=Column(String(32), nullable=False))
