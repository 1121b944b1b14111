"""When the reminder scheduler must next look at an incident: `incident.next_reminder_at`.

An indexed column, so a tick reads only the incidents due now instead of every open one. It is
the update's due time until the nudge is sent, then the escalation time, then NULL once
everything owed for the period is sent; posting an update, changing the cadence or reopening
sets it again. The backfill sets it to the due time of every open incident with a cadence: an
incident already nudged is looked at once by the first tick, which moves it on.

Revision ID: 0010_reminder_due
Revises: 0009_retention
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.store.types import UTCDateTime

revision: str = "0010_reminder_due"
down_revision: str | None = "0009_retention"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_incident_next_reminder_at"


def upgrade() -> None:
    op.add_column("incident", sa.Column("next_reminder_at", UTCDateTime(), nullable=True))
    op.create_index(INDEX, "incident", ["next_reminder_at"])
    op.execute(
        "UPDATE incident SET next_reminder_at = next_update_due "
        "WHERE status <> 'resolved' AND cadence_seconds IS NOT NULL "
        "AND next_update_due IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="incident")
    op.drop_column("incident", "next_reminder_at")
