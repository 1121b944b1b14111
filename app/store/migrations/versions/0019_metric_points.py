"""Metric points and per-incident metric feed keys (issue 15)

`metric_point`: one value of one metric at one moment from one source, stored once per
(incident, metric, at, source). `metric_feed`: per-incident keys of `POST /hooks/metrics`
(the secret is derived, never stored).

Revision ID: 0019_metric_points
Revises: 0018_update_variants
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.store.types import UTCDateTime

revision: str = "0019_metric_points"
down_revision: str | None = "0018_update_variants"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "metric_point",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(32), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("url", sa.String(500), nullable=True),
        sa.Column("entered_by", sa.String(64), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("incident_id", "metric", "at", "source", name="uq_metric_point"),
    )
    op.create_index("ix_metric_point_series", "metric_point", ["incident_id", "metric", "at"])
    op.create_table(
        "metric_feed",
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"]),
        sa.PrimaryKeyConstraint("key_id"),
    )
    op.create_index("ix_metric_feed_incident_id", "metric_feed", ["incident_id"])


def downgrade() -> None:
    op.drop_index("ix_metric_feed_incident_id", table_name="metric_feed")
    op.drop_table("metric_feed")
    op.drop_index("ix_metric_point_series", table_name="metric_point")
    op.drop_table("metric_point")
