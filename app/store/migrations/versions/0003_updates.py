"""Updates: posted stakeholder updates and the reminders claimed per due period.

Revision ID: 0003_updates
Revises: 0002_approvals
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.store.types import UTCDateTime

revision: str = "0003_updates"
down_revision: str | None = "0002_approvals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "status_update",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incident.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("changed", sa.Text(), nullable=False),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("next_steps", sa.Text(), nullable=False),
        sa.Column("metrics", sa.Text(), nullable=False),
        sa.Column("next_due", UTCDateTime(), nullable=True),
        sa.Column("posted_by", sa.String(32), nullable=False),
        sa.Column("posted_at", UTCDateTime(), nullable=False),
        sa.Column("channel_ts", sa.String(32), nullable=True),
        sa.Column("summary_ts", sa.String(32), nullable=True),
    )
    op.create_index("ix_status_update_incident_id", "status_update", ["incident_id"])
    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incident.id"), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(32), nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("ts", sa.String(32), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("retry_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(64), nullable=True),
        sa.UniqueConstraint(
            "incident_id", "due_at", "kind", "recipient", name="uq_reminder_period_recipient"
        ),
    )


def downgrade() -> None:
    op.drop_table("reminder")
    op.drop_index("ix_status_update_incident_id", table_name="status_update")
    op.drop_table("status_update")
