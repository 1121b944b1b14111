"""Legal's allowance for outside people in a SEV1 war room (issue 16).

`external_access`: one row per ask, the people from other organisations (Slack Connect) a SEV1
open did not invite, and Legal's one decision on them (waiting, allowed, declined; who, when),
with the war-room card that asks. The decision is also in the audit trail and the record.

Revision ID: 0022_external_access
Revises: 0021_workspace_owner
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.store.types import UTCDateTime

revision: str = "0022_external_access"
down_revision: str | None = "0021_workspace_owner"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "external_access"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("people", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("asked_by", sa.String(32), nullable=False),
        sa.Column("asked_at", UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.String(32), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("card_ts", sa.String(32), nullable=True),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_external_access_incident_id", TABLE, ["incident_id"])


def downgrade() -> None:
    op.drop_index("ix_external_access_incident_id", table_name=TABLE)
    op.drop_table(TABLE)
