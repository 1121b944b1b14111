"""Outside people (Slack Connect) held back from a SEV1 war room until Legal decides.

One row per ask: the people the open did not invite because they belong to another
organisation, and Legal's one decision on all of them. Who decided and when is also in the
audit trail, and so in the incident's legal record.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from app.store.types import EnumFields, StrEnumType, UTCDateTime


class AccessState(StrEnum):
    WAITING = "waiting"
    ALLOWED = "allowed"
    DECLINED = "declined"


class ExternalAccess(EnumFields, SQLModel, table=True):
    __tablename__ = "external_access"

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    incident_id: int = Field(
        sa_column=Column(Integer, ForeignKey("incident.id"), nullable=False, index=True)
    )
    # [{"user_id", "name", "team_id", "organisation"}, …] as Slack named them at the ask.
    people: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    state: AccessState = Field(
        default=AccessState.WAITING,
        sa_column=Column(StrEnumType(AccessState, 16), nullable=False),
    )
    asked_by: str = Field(sa_column=Column(String(32), nullable=False))
    asked_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    decided_by: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    decided_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    card_ts: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
