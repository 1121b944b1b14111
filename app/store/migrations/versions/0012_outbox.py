"""The outbox: what Slack must end up showing, and how far each copy has got (issue 13).

One row per copy (a card copy, an incident's brief and topic, a viewer's Home tab) with the
version wanted and the version done. Card copies already posted get a row each, up to date at
their action's card version; briefs and topics of existing incidents get a row each, up to date.

Revision ID: 0012_outbox
Revises: 0011_effect_claims
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.store.types import UTCDateTime

revision: str = "0012_outbox"
down_revision: str | None = "0011_effect_claims"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = "CURRENT_TIMESTAMP"


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("ts", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("want_version", sa.Integer(), nullable=False),
        sa.Column("done_version", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.Column("retry_at", UTCDateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("claimed_until", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(64), nullable=True),
        sa.Column("told_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint(
            "kind", "subject_id", "channel_id", "ts", "user_id", name="uq_outbox_copy"
        ),
    )
    op.create_index("ix_outbox_due", "outbox", ["retry_at"])
    op.create_index("ix_outbox_subject", "outbox", ["kind", "subject_id"])
    _adopt_existing()


def _adopt_existing() -> None:
    """Copies posted before the outbox, up to date as they are."""
    op.execute(
        "INSERT INTO outbox (kind, subject_id, channel_id, ts, user_id, want_version, "
        "done_version, attempts, changed_at) "
        "SELECT 'card_copy', c.action_id, c.channel_id, c.ts, '', a.card_version, "
        f"a.card_version, 0, {NOW} FROM card_copy c JOIN action a ON a.id = c.action_id"
    )
    for kind, condition in (("brief", "brief_ts IS NOT NULL"), ("topic", "1 = 1")):
        op.execute(
            "INSERT INTO outbox (kind, subject_id, channel_id, ts, user_id, want_version, "
            "done_version, attempts, changed_at) "
            f"SELECT '{kind}', id, channel_id, '', '', 1, 1, 0, {NOW} FROM incident "
            f"WHERE {condition}"
        )


def downgrade() -> None:
    op.drop_index("ix_outbox_subject", table_name="outbox")
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_table("outbox")
