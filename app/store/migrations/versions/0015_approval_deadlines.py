"""Approval response times: reminders and backups (issue 14)

`role_assignment.backup`: a person standing by for a role, asked only when an approval stalls.
`approval.due_at` (its response time) and `approval.next_reminder_at` (indexed: a tick reads
only what is due). `approval_reminder`: one row per reminder or escalation message, a claim
like `reminder`'s, so each is sent once across restarts and replicas. Approvals asked before
this revision have no response time and are never reminded.

Revision ID: 0015_approval_deadlines
Revises: 0014_playbooks
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.store.types import UTCDateTime

revision: str = "0015_approval_deadlines"
down_revision: str | None = "0014_playbooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "approval_reminder"
DUE_INDEX = "ix_approval_next_reminder_at"


def upgrade() -> None:
    op.add_column(
        "role_assignment",
        sa.Column("backup", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("approval", sa.Column("due_at", UTCDateTime(), nullable=True))
    op.add_column("approval", sa.Column("next_reminder_at", UTCDateTime(), nullable=True))
    op.create_index(DUE_INDEX, "approval", ["next_reminder_at"])
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("approval_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=32), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=True),
        sa.Column("first_claimed_at", UTCDateTime(), nullable=True),
        sa.Column("attempt_started_at", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("retry_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["approval_id"], ["approval.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "approval_id", "step", "kind", "recipient", name="uq_approval_reminder_message"
        ),
    )
    op.create_index(f"ix_{TABLE}_approval_id", TABLE, ["approval_id"])
    op.create_index(f"ix_{TABLE}_claimed_by", TABLE, ["claimed_by"])


def downgrade() -> None:
    op.drop_index(f"ix_{TABLE}_claimed_by", table_name=TABLE)
    op.drop_index(f"ix_{TABLE}_approval_id", table_name=TABLE)
    op.drop_table(TABLE)
    op.drop_index(DUE_INDEX, table_name="approval")
    with op.batch_alter_table("approval") as batch:
        batch.drop_column("next_reminder_at")
        batch.drop_column("due_at")
    with op.batch_alter_table("role_assignment") as batch:
        batch.drop_column("backup")
