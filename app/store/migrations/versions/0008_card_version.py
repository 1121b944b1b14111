"""A version number on each action's card, so refreshes from several processes converge.

`action.card_version` moves on in the transaction of every change a card shows (the no-op
lock write that starts a decision, revision or completion is `card_version + 1`, and a refresh
after a change elsewhere, such as a resolve, takes a new version the same way). A process that
has rewritten the copies of a card reads the version again: if it moved on meanwhile, its own
rendering may have landed on top of a newer one, so it rewrites them from the state as it is
now (app/flows/cards.py). Existing actions start at 1.

Revision ID: 0008_card_version
Revises: 0007_append_only
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_card_version"
down_revision: str | None = "0007_append_only"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "action", sa.Column("card_version", sa.Integer(), nullable=False, server_default="1")
    )


def downgrade() -> None:
    with op.batch_alter_table("action") as batch:
        batch.drop_column("card_version")
