"""Foundation: incidents, role assignments and the audit trail.

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.store.types import UTCDateTime

revision: str = "0001_foundation"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False, unique=True),
        sa.Column("channel_name", sa.String(80), nullable=False),
        sa.Column("brief_ts", sa.String(32), nullable=True),
        sa.Column("opened_by", sa.String(32), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("cadence_seconds", sa.Integer(), nullable=True),
        sa.Column("next_update_due", UTCDateTime(), nullable=True),
        sa.Column("last_update_at", UTCDateTime(), nullable=True),
    )
    op.create_table(
        "role_assignment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("assigned_by", sa.String(32), nullable=False),
        sa.Column("assigned_at", UTCDateTime(), nullable=False),
        sa.Column("removed_by", sa.String(32), nullable=True),
        sa.Column("removed_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_role_assignment_active", "role_assignment", ["role", "removed_at"])
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incident.id"), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(32), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_audit_entry_incident_id", "audit_entry", ["incident_id"])


def downgrade() -> None:
    op.drop_table("audit_entry")
    op.drop_table("role_assignment")
    op.drop_table("incident")
