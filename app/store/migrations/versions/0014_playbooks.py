"""Playbooks: an incident's kind of crisis and its checklist (issue 14)

`incident.crisis_kind`: the playbook's kind chosen at open (NULL for incidents opened before).
`checklist_item`: the incident's checklist, copied from its playbook at open, each item ticked
once (when, by whom, for what).

Revision ID: 0014_playbooks
Revises: 0013_catch_up
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.store.types import UTCDateTime

revision: str = "0014_playbooks"
down_revision: str | None = "0013_catch_up"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "checklist_item"


def upgrade() -> None:
    op.add_column("incident", sa.Column("crisis_kind", sa.String(length=48), nullable=True))
    op.create_table(
        TABLE,
        sa.Column("incident_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=150), nullable=False),
        sa.Column("ticks_on", sa.String(length=32), nullable=True),
        sa.Column("ticked_at", UTCDateTime(), nullable=True),
        sa.Column("ticked_by", sa.String(length=32), nullable=True),
        sa.Column("ticked_for", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"]),
        sa.PrimaryKeyConstraint("incident_id", "step"),
    )


def downgrade() -> None:
    op.drop_table(TABLE)
    with op.batch_alter_table("incident") as batch:
        batch.drop_column("crisis_kind")
