"""Audit entries: one row per change. UPDATE, DELETE, TRUNCATE and REPLACE are refused by
database triggers (migration 0007_append_only), like the legal record's."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from app.store.types import UTCDateTime


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("incident.id"), nullable=True, index=True),
    )
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    actor: str = Field(sa_column=Column(String(32), nullable=False))
    action: str = Field(sa_column=Column(String(64), nullable=False))
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
