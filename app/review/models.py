"""The post-incident review: one per incident, kept with the figures it was written against."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Text
from sqlmodel import Field, SQLModel

from app.store.types import UTCDateTime

TEXT_MAX = 2900


class Review(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(
        sa_column=Column(Integer, ForeignKey("incident.id"), nullable=False, unique=True)
    )
    by: str = Field(sa_column=Column(String(32), nullable=False))
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    what_happened: str = Field(sa_column=Column(Text, nullable=False))
    went_well: str = Field(default="", sa_column=Column(Text, nullable=False))
    went_badly: str = Field(default="", sa_column=Column(Text, nullable=False))
    figures: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    channel_ts: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
