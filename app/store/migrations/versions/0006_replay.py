"""Signatures of requests already served (replay refusal).

Revision ID: 0006_replay
Revises: 0005_review
Create Date: 2026-12-01
"""

from collections.abc import Sequence

revision: str = "0006_replay"
down_revision: str | None = "0005_review"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
