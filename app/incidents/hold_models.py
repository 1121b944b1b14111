"""A legal hold on an incident: while its row exists, the incident is never purged or archived.

The hold's history (who placed it, why, who released it) is in the audit trail and so in the
legal record; this row only says that a hold is in force now. The database refuses to delete
a held incident's record even inside a retention purge (migration 0009_retention).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlmodel import Field, SQLModel

from app.store.types import UTCDateTime

REASON_MAX = 2000


class LegalHold(SQLModel, table=True):
    __tablename__ = "legal_hold"

    incident_id: int = Field(
        sa_column=Column(Integer, ForeignKey("incident.id"), primary_key=True, autoincrement=False)
    )
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    held_by: str = Field(sa_column=Column(String(32), nullable=False))
    held_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
