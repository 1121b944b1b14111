"""Claims with an owner and a heartbeat; effect ids for the bot's own posts (issue 13).

A reminder's claim names the process that holds it (`claimed_by`, now a process id, indexed
so its heartbeat is one cheap UPDATE) and when that process last said it is alive
(`heartbeat_at`): a claim whose heartbeat stopped is taken over in seconds. `first_claimed_at`
bounds the history searched for the message an earlier attempt may have posted;
`attempt_started_at` says such an attempt exists. Existing rows keep NULLs: a claim without a
heartbeat (from a release before this one) is only taken back after the old 5-minute lease.

Revision ID: 0011_effect_claims
Revises: 0010_reminder_due
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.store.types import UTCDateTime

revision: str = "0011_effect_claims"
down_revision: str | None = "0010_reminder_due"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_reminder_claimed_by"
COLUMNS = ("heartbeat_at", "first_claimed_at", "attempt_started_at")


def upgrade() -> None:
    for name in COLUMNS:
        op.add_column("reminder", sa.Column(name, UTCDateTime(), nullable=True))
    op.create_index(INDEX, "reminder", ["claimed_by"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="reminder")
    with op.batch_alter_table("reminder") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
