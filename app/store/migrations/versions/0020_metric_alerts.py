"""Metric alerts (issue 15): one row per crossing of a threshold, and its messages

Revision ID: 0020_metric_alerts
Revises: 0019_metric_points
Create Date: 2026-12-01
"""

from collections.abc import Sequence

revision: str = "0020_metric_alerts"
down_revision: str | None = "0019_metric_points"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass  # (placeholder: the alerts' tables are written by the thresholds work)


def downgrade() -> None:
    pass
