"""Incident tables and the vocabulary around them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, String, Text
from sqlmodel import Field, SQLModel

from app.store.types import EnumFields, StrEnumType, UTCDateTime
from app.store.workspace import WorkspaceColumns


class Severity(StrEnum):
    SEV1 = "SEV1"
    SEV2 = "SEV2"
    SEV3 = "SEV3"

    @property
    def label(self) -> str:
        return {"SEV1": "SEV1 critical", "SEV2": "SEV2 major", "SEV3": "SEV3 minor"}[self.value]


class Kind(StrEnum):
    CRISIS = "crisis"
    POSITIVE = "positive"

    @property
    def label(self) -> str:
        return "Crisis" if self is Kind.CRISIS else "Positive virality"


class Status(StrEnum):
    INVESTIGATING = "investigating"
    RESPONDING = "responding"
    MONITORING = "monitoring"
    RESOLVED = "resolved"


class IncidentBase(SQLModel):
    title: str = Field(sa_column=Column(String(300), nullable=False))
    severity: Severity = Field(
        default=Severity.SEV2, sa_column=Column(StrEnumType(Severity, 8), nullable=False)
    )
    kind: Kind = Field(default=Kind.CRISIS, sa_column=Column(StrEnumType(Kind, 16), nullable=False))
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class Incident(EnumFields, WorkspaceColumns, IncidentBase, table=True):
    # A workspace's incidents by status (the list, the Home tab, a later per-team query).
    __table_args__ = (Index("ix_incident_team_status", "team_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    status: Status = Field(
        default=Status.INVESTIGATING, sa_column=Column(StrEnumType(Status, 16), nullable=False)
    )
    channel_id: str = Field(sa_column=Column(String(32), nullable=False, unique=True))
    channel_name: str = Field(sa_column=Column(String(80), nullable=False))
    brief_ts: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    opened_by: str = Field(sa_column=Column(String(32), nullable=False))
    opened_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    cadence_seconds: int | None = Field(default=None)
    # The playbook's kind of crisis chosen at open (app/playbooks), e.g. service_failure_viral.
    crisis_kind: str | None = Field(default=None, sa_column=Column(String(48), nullable=True))
    next_update_due: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    last_update_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    # When the reminder scheduler must next look at this incident (the update's due time, then
    # the escalation time, then NULL); indexed so a tick reads only what is due.
    next_reminder_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True, index=True)
    )

    @property
    def ref(self) -> str:
        return f"INC-{self.id}"
