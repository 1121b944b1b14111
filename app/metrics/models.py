"""Metric points as the war room learned them, and the per-incident feed keys of the hook."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.store.types import UTCDateTime

METRIC_MAX = 32  # a metric's name: lowercase letters, digits, _ and -
UNIT_MAX = 16
SOURCE_MAX = 64
URL_MAX = 500


class MetricPoint(SQLModel, table=True):
    """One value of one metric at one moment, from one source.

    The unique key makes a point idempotent: the same (incident, metric, at, source) delivered
    twice (a retried webhook, a double-clicked form) is stored once; the first value stays.
    """

    __tablename__ = "metric_point"
    __table_args__ = (
        UniqueConstraint("incident_id", "metric", "at", "source", name="uq_metric_point"),
        Index("ix_metric_point_series", "incident_id", "metric", "at"),
        # The alert pass's reads (migration 0020): one source's points, the points stored last.
        Index("ix_metric_point_source", "incident_id", "metric", "source", "at"),
        Index("ix_metric_point_stored", "incident_id", "metric", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(sa_column=Column(Integer, ForeignKey("incident.id"), nullable=False))
    metric: str = Field(sa_column=Column(String(METRIC_MAX), nullable=False))
    value: float = Field(sa_column=Column(Float, nullable=False))
    unit: str = Field(default="", sa_column=Column(String(UNIT_MAX), nullable=False, default=""))
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))  # when measured
    source: str = Field(
        default="", sa_column=Column(String(SOURCE_MAX), nullable=False, default="")
    )
    url: str | None = Field(default=None, sa_column=Column(String(URL_MAX), nullable=True))
    # A Slack user id (by hand, the update form) or "hook:<key id>" (the metrics endpoint).
    entered_by: str = Field(sa_column=Column(String(64), nullable=False))
    received_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class MetricFeed(SQLModel, table=True):
    """A per-incident key for `POST /hooks/metrics`. Its secret is never stored: it is derived
    from CRISIS_METRICS_SECRET and the key id (app/metrics/keys.py), so revoking the row (or
    rotating the install secret) is what ends it."""

    __tablename__ = "metric_feed"

    key_id: str = Field(sa_column=Column(String(32), primary_key=True))
    incident_id: int = Field(
        sa_column=Column(Integer, ForeignKey("incident.id"), nullable=False, index=True)
    )
    created_by: str = Field(sa_column=Column(String(32), nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    revoked_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
