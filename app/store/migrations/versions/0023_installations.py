"""Installing for many workspaces by OAuth (issue 16).

- `slack_installations` and `slack_bots`: slack-sdk's SQLAlchemy installation store's own
  tables, built with its own table builders (the store reads and writes them as it defines
  them; app/workspaces/installs.py declares the same for the schema check).
- `slack_oauth_state`: each install attempt's `state` until the person comes back.
- `outbox.team_id`, `outbox.enterprise_id`: the workspace of a copy Slack shows, so the
  worker sends it with that workspace's token (a Home tab belongs to its viewer's workspace).
  Rows from before take the installed team when the bot starts, as in 0021.

Revision ID: 0023_installations
Revises: 0022_external_access
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore

from app.store.types import UTCDateTime

revision: str = "0023_installations"
down_revision: str | None = "0022_external_access"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STORE = AsyncSQLAlchemyInstallationStore
STATE = "slack_oauth_state"
COLUMNS = ("team_id", "enterprise_id")


def upgrade() -> None:
    tables = sa.MetaData()
    STORE.build_installations_table(tables, STORE.default_installations_table_name)
    STORE.build_bots_table(tables, STORE.default_bots_table_name)
    tables.create_all(op.get_bind())
    op.create_table(
        STATE,
        sa.Column("state", sa.String(64), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("state"),
    )
    op.create_index(op.f(f"ix_{STATE}_expires_at"), STATE, ["expires_at"])
    with op.batch_alter_table("outbox") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.String(32), nullable=True))


def downgrade() -> None:
    for name in reversed(COLUMNS):
        op.drop_column("outbox", name)
    op.drop_index(op.f(f"ix_{STATE}_expires_at"), table_name=STATE)
    op.drop_table(STATE)
    op.drop_table(STORE.default_bots_table_name)
    op.drop_table(STORE.default_installations_table_name)
