"""One approved message, every audience (issue 14)

`action_variant`: each revision of an action keeps its wording per audience (executives,
employees, customers, press, social), and where each variant was posted after approval.

Revision ID: 0017_audience_variants
Revises: 0016_statement_library
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.store.types import UTCDateTime

revision: str = "0017_audience_variants"
down_revision: str | None = "0016_statement_library"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "action_variant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("tried_at", UTCDateTime(), nullable=True),
        sa.Column("posted_channel", sa.String(32), nullable=True),
        sa.Column("posted_ts", sa.String(32), nullable=True),
        sa.Column("posted_by", sa.String(32), nullable=True),
        sa.Column("posted_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["action_id"], ["action.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "action_id", "revision", "audience", name="uq_action_variant_action_revision_audience"
        ),
    )


def downgrade() -> None:
    op.drop_table("action_variant")
