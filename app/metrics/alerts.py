"""Metric alerts: one row per crossing of a threshold, and one claimed row per message it sends.

`MetricAlert`'s unique key (incident, rule, source, crossing number) is the alert's claim:
whichever process inserts it first is the one that acts on it (shortens the cadence, audits
it), so a crossing fires once across replicas and restarts. The rule is the threshold's
description (app/metrics/thresholds.py), the source the series it was seen in (views on
tiktok and on youtube are different series; "" for a silence, which is the metric's). Its
messages (the war-room post, one DM per executive) are claimed rows like the update nudges'
(app/claims/), each sent exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from app.claims.columns import ClaimColumns
from app.claims.table import ClaimTable
from app.incidents.models import Severity
from app.metrics.models import METRIC_MAX, SOURCE_MAX, UNIT_MAX
from app.metrics.thresholds import AlertKind
from app.store.types import EnumFields, StrEnumType, UTCDateTime

RULE_MAX = 160


class MetricAlert(EnumFields, SQLModel, table=True):
    """One crossing of one rule in one series of one incident."""

    __tablename__ = "metric_alert"
    __table_args__ = (
        UniqueConstraint("incident_id", "rule", "source", "crossing", name="uq_metric_alert"),
        Index("ix_metric_alert_metric", "incident_id", "metric"),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(sa_column=Column(Integer, ForeignKey("incident.id"), nullable=False))
    rule: str = Field(sa_column=Column(String(RULE_MAX), nullable=False))
    source: str = Field(default="", sa_column=Column(String(SOURCE_MAX), nullable=False))
    crossing: int = Field(sa_column=Column(Integer, nullable=False))
    kind: AlertKind = Field(sa_column=Column(StrEnumType(AlertKind, 16), nullable=False))
    metric: str = Field(sa_column=Column(String(METRIC_MAX), nullable=False))
    value: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    unit: str = Field(default="", sa_column=Column(String(UNIT_MAX), nullable=False))
    crossed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # The alert as plain text (escaped where it is shown): "views crossed 1M (now 2.7M, …)".
    fired: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # What the rule asks for: a severity the lead may raise to, the executives told.
    raise_to: Severity | None = Field(
        default=None, sa_column=Column(StrEnumType(Severity, 8), nullable=True)
    )
    escalate: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    # The update cadence this alert set (seconds) and the one it replaced, if it shortened it.
    cadence_seconds: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    cadence_was: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    raised_by: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    raised_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # Every message it owed was sent: the pass no longer looks at it.
    delivered_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )

    @property
    def ref(self) -> str:
        return f"INC-{self.incident_id}"


class MetricAlertMessage(ClaimColumns, table=True):
    """One message an alert owes: the war-room post (recipient: the channel) or one
    executive's DM (recipient: their user id)."""

    __tablename__ = "metric_alert_message"
    __table_args__ = (UniqueConstraint("alert_id", "recipient", name="uq_metric_alert_message"),)

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(
        sa_column=Column(Integer, ForeignKey("metric_alert.id"), nullable=False, index=True)
    )
    recipient: str = Field(sa_column=Column(String(32), nullable=False))


@dataclass(frozen=True)
class AlertMessageKey:
    """Which message: its effect id on Slack is the same for every attempt."""

    alert_id: int
    incident_id: int
    recipient: str

    @property
    def effect(self) -> str:
        """e.g. `metric-alert:INC-3:7:C0WARROOM`."""
        return f"metric-alert:INC-{self.incident_id}:{self.alert_id}:{self.recipient}"


def _columns(key: AlertMessageKey) -> dict[str, Any]:
    return {"alert_id": key.alert_id, "recipient": key.recipient}


TABLE = ClaimTable(MetricAlertMessage, _columns)
heartbeat = TABLE.heartbeat
