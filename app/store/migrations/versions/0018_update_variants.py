"""Audience variants on status updates (issue 14)

`status_update_variant`: a status update's wording per audience (executives, employees,
customers, press, social), posted with the update, and where each went.

Revision ID: 0018_update_variants
Revises: 0017_audience_variants
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.store.types import UTCDateTime

revision: str = "0018_update_variants"
down_revision: str | None = "0017_audience_variants"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "status_update_variant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("tried_at", UTCDateTime(), nullable=True),
        sa.Column("posted_channel", sa.String(32), nullable=True),
        sa.Column("posted_ts", sa.String(32), nullable=True),
        sa.Column("posted_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["update_id"], ["status_update.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "update_id", "audience", name="uq_status_update_variant_update_audience"
        ),
    )


def downgrade() -> None:
    op.drop_table("status_update_variant")
