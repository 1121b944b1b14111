"""Signatures of requests already served (replay refusal).

Revision ID: 0006_replay
Revises: 0005_review
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.store.types import UTCDateTime

revision: str = "0006_replay"
down_revision: str | None = "0005_review"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_request_seen",
        sa.Column("signature_sha256", sa.String(64), primary_key=True),
        sa.Column("signed_at", sa.BigInteger(), nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_slack_request_seen_signed_at", "slack_request_seen", ["signed_at"])


def downgrade() -> None:
    op.drop_index("ix_slack_request_seen_signed_at", table_name="slack_request_seen")
    op.drop_table("slack_request_seen")
