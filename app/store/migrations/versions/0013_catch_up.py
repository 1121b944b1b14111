"""Incidents whose record may have a gap, for the periodic catch-up (issue 13).

`record_catch_up`: one row per incident (the catch-up pass adds the open incidents' rows; this
backfill adds them at once): when it is next due (its lease too), the gap known to be there,
and the newest Slack ts history was read up to.

Revision ID: 0013_catch_up
Revises: 0012_outbox
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.store.types import UTCDateTime

revision: str = "0013_catch_up"
down_revision: str | None = "0012_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "record_catch_up"
INDEX = "ix_record_catch_up_due_at"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("incident_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("gap_since", UTCDateTime(), nullable=True),
        sa.Column("gap_noticed", UTCDateTime(), nullable=True),
        sa.Column("reconciled_ts", sa.String(length=32), nullable=True),
        sa.Column("reconciled_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"]),
        sa.PrimaryKeyConstraint("incident_id"),
    )
    op.create_index(INDEX, TABLE, ["due_at"])
    op.execute(
        f"INSERT INTO {TABLE} (incident_id, due_at) "
        "SELECT id, CURRENT_TIMESTAMP FROM incident WHERE status <> 'resolved'"
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name=TABLE)
    op.drop_table(TABLE)
