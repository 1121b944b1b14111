"""The legal record: hash-chained, append-only entries per incident, chain heads, file bytes.

Triggers on SQLite and PostgreSQL refuse UPDATE and DELETE on record_entry and record_file
(and TRUNCATE on PostgreSQL), so the record can only grow.

Revision ID: 0003_record
Revises: 0002_approvals
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.store.types import UTCDateTime

revision: str = "0003_record"
down_revision: str | None = "0002_approvals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("record_entry", "record_file")
GENESIS = "0" * 64


def upgrade() -> None:
    op.create_table(
        "record_entry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incident.id"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("dedupe_key", sa.String(200), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=True),
        sa.Column("ts", sa.String(32), nullable=True),
        sa.Column("thread_ts", sa.String(32), nullable=True),
        sa.Column("user_id", sa.String(32), nullable=True),
        sa.Column("user_name", sa.String(200), nullable=True),
        sa.Column("event_id", sa.String(64), nullable=True),
        sa.Column("client_msg_id", sa.String(64), nullable=True),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("recovered", sa.Boolean(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("incident_id", "seq", name="uq_record_entry_incident_seq"),
        sa.UniqueConstraint("incident_id", "dedupe_key", name="uq_record_entry_incident_dedupe"),
    )
    op.create_index("ix_record_entry_user_id", "record_entry", ["user_id"])
    op.create_table(
        "record_head",
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incident.id"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "record_file",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
    )
    op.execute(
        f"INSERT INTO record_head (incident_id, seq, hash) SELECT id, 0, '{GENESIS}' FROM incident"
    )
    for statement in _triggers(op.get_bind().dialect.name):
        op.execute(statement)


def _triggers(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [
            """
            CREATE FUNCTION record_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the legal record is append-only: % on % refused',
                    TG_OP, TG_TABLE_NAME;
            END
            $$
            """,
            *(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION record_refuse_change()"
                for table in APPEND_ONLY
            ),
            *(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION record_refuse_change()"
                for table in APPEND_ONLY
            ),
        ]
    return [
        f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} BEGIN "
        f"SELECT RAISE(ABORT, 'the legal record is append-only: {verb} on {table} refused'); END"
        for table in APPEND_ONLY
        for verb in ("UPDATE", "DELETE")
    ]


def downgrade() -> None:
    op.drop_table("record_file")
    op.drop_table("record_head")
    op.drop_table("record_entry")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION record_refuse_change()")
