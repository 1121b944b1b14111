"""Join the update-cadence and legal-record branches into one line of history.

Revision ID: 0004_merge
Revises: 0003_record, 0003_updates
Create Date: 2026-11-21
"""

from collections.abc import Sequence

revision: str = "0004_merge"
down_revision: str | Sequence[str] | None = ("0003_record", "0003_updates")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change: both branches' tables already exist."""


def downgrade() -> None:
    """Nothing to change."""
