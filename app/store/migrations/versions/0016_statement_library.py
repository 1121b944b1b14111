"""The statement library: holding statements approved in peacetime (issue 14)

`library_entry` (a key, a crisis kind, an audience), `library_version` (every wording, with its
state: pending, approved or rejected; never changed once decided), `library_approval` (one
role's decision on one version) and `library_card` (where a version's approval card was
posted). An action proposed from the library keeps which version it came from, whether it was
used unchanged and the facts its card shows.

Revision ID: 0016_statement_library
Revises: 0015_approval_deadlines
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.store.types import UTCDateTime

revision: str = "0016_statement_library"
down_revision: str | None = "0015_approval_deadlines"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTION_COLUMNS = ("library_version_id", "library_unchanged", "library_origin")


def upgrade() -> None:
    op.create_table(
        "library_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("audience", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_table(
        "library_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("proposed_by", sa.String(32), nullable=False),
        sa.Column("proposed_at", UTCDateTime(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["entry_id"], ["library_entry.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("entry_id", "version", name="uq_library_version_entry_version"),
    )
    op.create_index("ix_library_version_entry_id", "library_version", ["entry_id"])
    op.create_table(
        "library_approval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("decided_by", sa.String(32), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["version_id"], ["library_version.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "role", name="uq_library_approval_version_role"),
    )
    op.create_index("ix_library_approval_version_id", "library_approval", ["version_id"])
    op.create_table(
        "library_card",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("ts", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["library_version.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel_id", "ts", name="uq_library_card_channel_ts"),
    )
    op.create_index("ix_library_card_version_id", "library_card", ["version_id"])
    op.add_column("action", sa.Column("library_version_id", sa.Integer(), nullable=True))
    op.add_column("action", sa.Column("library_unchanged", sa.Boolean(), nullable=True))
    op.add_column("action", sa.Column("library_origin", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("action") as batch:
        for name in ACTION_COLUMNS:
            batch.drop_column(name)
    op.drop_index("ix_library_card_version_id", table_name="library_card")
    op.drop_table("library_card")
    op.drop_index("ix_library_approval_version_id", table_name="library_approval")
    op.drop_table("library_approval")
    op.drop_index("ix_library_version_entry_id", table_name="library_version")
    op.drop_table("library_version")
    op.drop_table("library_entry")
