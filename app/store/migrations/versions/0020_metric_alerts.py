"""Metric alerts (issue 15): one row per crossing of a threshold, and its messages

`metric_alert`: one row per crossing of a playbook threshold in one series of one incident,
unique (incident, rule, source, crossing number), so a crossing fires once across replicas and
restarts. `metric_alert_message`: one claimed row per message an alert sends (the war-room
post, each executive's DM), like `approval_reminder`'s. `metric_watch`: per incident and metric
when the alert pass next looks (`check_at`, indexed: a tick reads only what is due) and what the
looks have taken in (the last point id seen, when, the last point received). Two indexes on
`metric_point` let a look read only what is new and its rules' windows: the points stored after
an id, and one source's points from a time (app/metrics/slices.py).

Revision ID: 0020_metric_alerts
Revises: 0019_metric_points
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.store.types import UTCDateTime

revision: str = "0020_metric_alerts"
down_revision: str | None = "0019_metric_points"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGES = "metric_alert_message"
POINTS = "metric_point"
POINT_SOURCE = "ix_metric_point_source"
POINT_STORED = "ix_metric_point_stored"


def upgrade() -> None:
    op.create_table(
        "metric_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(160), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("crossing", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("metric", sa.String(32), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("crossed_at", UTCDateTime(), nullable=False),
        sa.Column("fired", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("raise_to", sa.String(8), nullable=True),
        sa.Column("escalate", sa.Boolean(), nullable=False),
        sa.Column("cadence_seconds", sa.Integer(), nullable=True),
        sa.Column("cadence_was", sa.Integer(), nullable=True),
        sa.Column("raised_by", sa.String(32), nullable=True),
        sa.Column("raised_at", UTCDateTime(), nullable=True),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("incident_id", "rule", "source", "crossing", name="uq_metric_alert"),
    )
    op.create_index("ix_metric_alert_metric", "metric_alert", ["incident_id", "metric"])
    op.create_table(
        MESSAGES,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(32), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=True),
        sa.Column("first_claimed_at", UTCDateTime(), nullable=True),
        sa.Column("attempt_started_at", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("retry_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["alert_id"], ["metric_alert.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("alert_id", "recipient", name="uq_metric_alert_message"),
    )
    op.create_index(f"ix_{MESSAGES}_alert_id", MESSAGES, ["alert_id"])
    op.create_index(f"ix_{MESSAGES}_claimed_by", MESSAGES, ["claimed_by"])
    op.create_table(
        "metric_watch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(32), nullable=False),
        sa.Column("check_at", UTCDateTime(), nullable=True),
        sa.Column("arrivals", sa.Integer(), nullable=False),
        sa.Column("seen_id", sa.Integer(), nullable=True),
        sa.Column("looked_at", UTCDateTime(), nullable=True),
        sa.Column("heard_at", UTCDateTime(), nullable=True),
        sa.Column("heard_value", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("incident_id", "metric", name="uq_metric_watch"),
    )
    op.create_index("ix_metric_watch_check_at", "metric_watch", ["check_at"])
    op.create_index(POINT_SOURCE, POINTS, ["incident_id", "metric", "source", "at"])
    op.create_index(POINT_STORED, POINTS, ["incident_id", "metric", "id"])


def downgrade() -> None:
    op.drop_index(POINT_STORED, table_name=POINTS)
    op.drop_index(POINT_SOURCE, table_name=POINTS)
    op.drop_index("ix_metric_watch_check_at", table_name="metric_watch")
    op.drop_table("metric_watch")
    op.drop_index(f"ix_{MESSAGES}_claimed_by", table_name=MESSAGES)
    op.drop_index(f"ix_{MESSAGES}_alert_id", table_name=MESSAGES)
    op.drop_table(MESSAGES)
    op.drop_index("ix_metric_alert_metric", table_name="metric_alert")
    op.drop_table("metric_alert")
