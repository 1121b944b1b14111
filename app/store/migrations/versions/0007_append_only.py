"""Append-only audit trail, REPLACE refused on record tables, record checkpoints.

- `audit_entry` refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL), like the record tables.
- SQLite: `INSERT OR REPLACE` / `REPLACE` deletes the row it collides with without firing
  DELETE triggers, so BEFORE INSERT triggers refuse any insert that collides with an existing
  row of `record_entry` or `audit_entry` (the bot never inserts a colliding row: appends check
  the dedupe key under the head lock first). `record_file` is content-addressed: an insert of
  the same hash with the same bytes is silently skipped (how the bot keeps a file once), with
  other bytes it is refused. The schema holds the guard, not a connection pragma, so it holds
  for the sqlite3 command line too. PostgreSQL has no REPLACE; its upserts fire UPDATE triggers.
- `record_head` only moves forward: an UPDATE that lowers its seq or changes its hash at the
  same seq is refused, as are DELETE, TRUNCATE and (SQLite) a REPLACE over it.
- `record_checkpoint`: the checkpoints posted to CRISIS_CHECKPOINT_CHANNEL, claimed before
  posting so each is posted once across processes.

Revision ID: 0007_append_only
Revises: 0006_replay
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.store.types import UTCDateTime

revision: str = "0007_append_only"
down_revision: str | None = "0006_replay"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64
REFUSED = "the legal record is append-only"
BACKWARD = "the record head only moves forward"

# A row the insert would collide with, per table (SQLite BEFORE INSERT triggers).
COLLIDES = {
    "record_entry": (
        "id = NEW.id OR (incident_id = NEW.incident_id AND seq = NEW.seq) "
        "OR (incident_id = NEW.incident_id AND dedupe_key = NEW.dedupe_key)"
    ),
    "audit_entry": "id = NEW.id",
}


def upgrade() -> None:
    op.create_table(
        "record_checkpoint",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incident.id"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("posted_at", UTCDateTime(), nullable=True),
        sa.Column("ts", sa.String(32), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("retry_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(64), nullable=True),
        sa.UniqueConstraint("incident_id", "seq", name="uq_record_checkpoint_incident_seq"),
    )
    dialect = op.get_bind().dialect.name
    statements = _postgresql() if dialect == "postgresql" else _sqlite()
    for statement in statements:
        op.execute(statement)


def _sqlite() -> list[str]:
    refuse = [
        f"CREATE TRIGGER audit_entry_no_{verb.lower()} BEFORE {verb} ON audit_entry BEGIN "
        f"SELECT RAISE(ABORT, '{REFUSED}: {verb} on audit_entry refused'); END"
        for verb in ("UPDATE", "DELETE")
    ]
    no_replace = [
        f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
        f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {collides}) BEGIN "
        f"SELECT RAISE(ABORT, '{REFUSED}: a row of {table} with that key exists, "
        "REPLACE refused'); END"
        for table, collides in COLLIDES.items()
    ]
    file_once = (
        "CREATE TRIGGER record_file_no_replace BEFORE INSERT ON record_file BEGIN SELECT CASE "
        "WHEN EXISTS (SELECT 1 FROM record_file WHERE sha256 = NEW.sha256 "
        "AND (content IS NOT NEW.content OR size IS NOT NEW.size)) "
        f"THEN RAISE(ABORT, '{REFUSED}: other bytes under a stored file hash, REPLACE refused') "
        "WHEN EXISTS (SELECT 1 FROM record_file WHERE sha256 = NEW.sha256) "
        "THEN RAISE(IGNORE) END; END"
    )
    head = [
        "CREATE TRIGGER record_head_forward_only BEFORE UPDATE ON record_head "
        "WHEN NEW.incident_id IS NOT OLD.incident_id OR NEW.seq < OLD.seq "
        "OR (NEW.seq = OLD.seq AND NEW.hash IS NOT OLD.hash) BEGIN "
        f"SELECT RAISE(ABORT, '{BACKWARD}: UPDATE on record_head refused'); END",
        "CREATE TRIGGER record_head_no_delete BEFORE DELETE ON record_head BEGIN "
        f"SELECT RAISE(ABORT, '{BACKWARD}: DELETE on record_head refused'); END",
        # A head is created at (0, GENESIS) on first use; a second such insert keeps the
        # first (the bot's insert-if-missing), anything else over an existing head is refused.
        "CREATE TRIGGER record_head_no_replace BEFORE INSERT ON record_head BEGIN SELECT CASE "
        "WHEN NOT EXISTS (SELECT 1 FROM record_head WHERE incident_id = NEW.incident_id) "
        "THEN NULL "
        f"WHEN NEW.seq = 0 AND NEW.hash = '{GENESIS}' THEN RAISE(IGNORE) "
        f"ELSE RAISE(ABORT, '{BACKWARD}: REPLACE on record_head refused') END; END",
    ]
    return [*refuse, *no_replace, file_once, *head]


def _postgresql() -> list[str]:
    return [
        # record_refuse_change() comes from 0003_record.
        "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
        "FOR EACH ROW EXECUTE FUNCTION record_refuse_change()",
        "CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry "
        "FOR EACH STATEMENT EXECUTE FUNCTION record_refuse_change()",
        f"""
        CREATE FUNCTION record_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                IF NEW.incident_id = OLD.incident_id AND (NEW.seq > OLD.seq
                    OR (NEW.seq = OLD.seq AND NEW.hash = OLD.hash)) THEN
                    RETURN NEW;
                END IF;
            END IF;
            RAISE EXCEPTION '{BACKWARD}: % on record_head refused', TG_OP;
        END
        $$
        """,
        "CREATE TRIGGER record_head_forward_only BEFORE UPDATE OR DELETE ON record_head "
        "FOR EACH ROW EXECUTE FUNCTION record_head_forward_only()",
        "CREATE TRIGGER record_head_no_truncate BEFORE TRUNCATE ON record_head "
        "FOR EACH STATEMENT EXECUTE FUNCTION record_head_forward_only()",
    ]


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for trigger, table in (
            ("audit_entry_append_only", "audit_entry"),
            ("audit_entry_no_truncate", "audit_entry"),
            ("record_head_forward_only", "record_head"),
            ("record_head_no_truncate", "record_head"),
        ):
            op.execute(f"DROP TRIGGER {trigger} ON {table}")
        op.execute("DROP FUNCTION record_head_forward_only()")
    else:
        for trigger in (
            "audit_entry_no_update",
            "audit_entry_no_delete",
            "record_entry_no_replace",
            "audit_entry_no_replace",
            "record_file_no_replace",
            "record_head_forward_only",
            "record_head_no_delete",
            "record_head_no_replace",
        ):
            op.execute(f"DROP TRIGGER {trigger}")
    op.drop_table("record_checkpoint")
