"""Legal hold, the purge log, and the one way the record is ever deleted: a retention purge.

- `legal_hold`: a row while an incident is on legal hold (history is in the audit trail).
- `purge_log`: one tombstone per purged incident; append-only like the record.
- `purge_grant`: lets exactly one purge through the append-only guards. The DELETE guards on
  `record_entry`, `record_head`, `audit_entry`, `record_file` and `incident` now let a row go
  only while a grant names its incident (for `record_file`: while any grant exists and no
  remaining entry names the file) and the incident is not on hold. A grant is accepted only
  for a resolved incident not on hold, with its tombstone written, whose last resolution is
  `retention_days` (at least 1) before the tombstone's time. It can be removed only once the
  incident is gone (so a purge is all or nothing), and it can never be committed: its `seal`
  column is a deferred foreign key to a grant of incident 0, which cannot exist. So the grant
  lives and dies inside the purge's own transaction.

Revision ID: 0009_retention
Revises: 0008_card_version
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.store.types import UTCDateTime

revision: str = "0009_retention"
down_revision: str | None = "0008_card_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSED = "the legal record is append-only"
BACKWARD = "the record head only moves forward"
ONLY_PURGE = "an incident is deleted only by a retention purge"
GUARDED = ("record_entry", "record_head", "audit_entry")


def upgrade() -> None:
    _tables()
    dialect = op.get_bind().dialect.name
    for statement in _postgresql() if dialect == "postgresql" else _sqlite():
        op.execute(statement)


def _tables() -> None:
    op.create_table(
        "legal_hold",
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incident.id"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("held_by", sa.String(32), nullable=False),
        sa.Column("held_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "purge_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("title_sha256", sa.String(64), nullable=False),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("final_hash", sa.String(64), nullable=False),
        sa.Column("files_purged", sa.Integer(), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("resolved_at", UTCDateTime(), nullable=False),
        sa.Column("purged_at", UTCDateTime(), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    op.create_index("ix_purge_log_incident_id", "purge_log", ["incident_id"])
    op.create_table(
        "purge_grant",
        sa.Column("incident_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("tombstone_id", sa.Integer(), sa.ForeignKey("purge_log.id"), nullable=False),
        sa.Column("seal", sa.Integer(), nullable=False),
        sa.CheckConstraint("incident_id > 0", name="ck_purge_grant_incident"),
        sa.CheckConstraint("seal = 0", name="ck_purge_grant_seal"),
        sa.ForeignKeyConstraint(
            ["seal"],
            ["purge_grant.incident_id"],
            name="fk_purge_grant_seal",
            deferrable=True,
            initially="DEFERRED",
        ),
    )


def _granted(incident: str) -> str:
    """SQL true while a purge grant names `incident` and it is not on hold."""
    return (
        f"(EXISTS (SELECT 1 FROM purge_grant g WHERE g.incident_id = {incident}) "
        f"AND NOT EXISTS (SELECT 1 FROM legal_hold h WHERE h.incident_id = {incident}))"
    )


FILE_FREE = (
    "(EXISTS (SELECT 1 FROM purge_grant) AND NOT EXISTS (SELECT 1 FROM record_entry e "
    "WHERE e.content LIKE '%' || OLD.sha256 || '%'))"
)


def _grant_ok(resolved_long_enough: str) -> str:
    """SQL true when the new grant may be written (tombstone, resolved, past retention)."""
    return (
        "(EXISTS (SELECT 1 FROM incident i JOIN purge_log t ON t.id = NEW.tombstone_id "
        "WHERE i.id = NEW.incident_id AND i.status = 'resolved' "
        "AND t.incident_id = i.id AND t.channel_id = i.channel_id AND t.retention_days >= 1 "
        f"AND {resolved_long_enough}) "
        "AND NOT EXISTS (SELECT 1 FROM legal_hold h WHERE h.incident_id = NEW.incident_id))"
    )


LAST_RESOLVE = (
    "(SELECT max(a.at) FROM audit_entry a "
    "WHERE a.incident_id = i.id AND a.action = 'incident.resolve')"
)
INCIDENT_LEFT = "EXISTS (SELECT 1 FROM incident WHERE id = OLD.incident_id)"


def _sqlite() -> list[str]:
    def raise_(message: str) -> str:
        return f"SELECT RAISE(ABORT, '{message}')"

    def guard(name: str, table: str, when: str, message: str, verb: str = "DELETE") -> list[str]:
        return [
            f"DROP TRIGGER IF EXISTS {name}",
            f"CREATE TRIGGER {name} BEFORE {verb} ON {table} WHEN {when} "
            f"BEGIN {raise_(message)}; END",
        ]

    old_granted = f"NOT {_granted('OLD.incident_id')}"
    elapsed = f"julianday(t.purged_at) - julianday({LAST_RESOLVE}) >= t.retention_days"
    return [
        *guard(
            "record_entry_no_delete",
            "record_entry",
            old_granted,
            f"{REFUSED}: DELETE on record_entry refused",
        ),
        *guard(
            "audit_entry_no_delete",
            "audit_entry",
            old_granted,
            f"{REFUSED}: DELETE on audit_entry refused",
        ),
        *guard(
            "record_head_no_delete",
            "record_head",
            old_granted,
            f"{BACKWARD}: DELETE on record_head refused",
        ),
        *guard(
            "record_file_no_delete",
            "record_file",
            f"NOT {FILE_FREE}",
            f"{REFUSED}: DELETE on record_file refused",
        ),
        *guard(
            "incident_no_delete",
            "incident",
            f"NOT {_granted('OLD.id')}",
            f"{ONLY_PURGE}: DELETE on incident refused",
        ),
        *guard(
            "purge_log_no_update",
            "purge_log",
            "1",
            f"{REFUSED}: UPDATE on purge_log refused",
            "UPDATE",
        ),
        *guard("purge_log_no_delete", "purge_log", "1", f"{REFUSED}: DELETE on purge_log refused"),
        *guard(
            "purge_log_no_replace",
            "purge_log",
            "EXISTS (SELECT 1 FROM purge_log WHERE id = NEW.id)",
            f"{REFUSED}: a row of purge_log with that key exists, REPLACE refused",
            "INSERT",
        ),
        *guard(
            "purge_grant_check",
            "purge_grant",
            f"NOT {_grant_ok(elapsed)}",
            f"{ONLY_PURGE}: no tombstone, not resolved, on hold or within retention",
            "INSERT",
        ),
        *guard(
            "purge_grant_no_update",
            "purge_grant",
            "1",
            f"{ONLY_PURGE}: UPDATE on purge_grant refused",
            "UPDATE",
        ),
        *guard(
            "purge_grant_whole",
            "purge_grant",
            INCIDENT_LEFT,
            f"{ONLY_PURGE}: the whole incident goes, or nothing",
        ),
    ]


def _postgresql() -> list[str]:
    elapsed = f"t.purged_at - {LAST_RESOLVE} >= make_interval(days => t.retention_days)"
    return [
        # One function refuses every change to the append-only tables (0003, 0007): now a
        # DELETE of a purged incident's rows goes through while its grant is there.
        f"""
        CREATE OR REPLACE FUNCTION record_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                IF TG_TABLE_NAME IN ('record_entry', 'audit_entry') THEN
                    IF {_granted("OLD.incident_id")} THEN RETURN OLD; END IF;
                ELSIF TG_TABLE_NAME = 'record_file' THEN
                    IF {FILE_FREE} THEN RETURN OLD; END IF;
                END IF;
            END IF;
            RAISE EXCEPTION '{REFUSED}: % on % refused', TG_OP, TG_TABLE_NAME;
        END
        $$
        """,
        f"""
        CREATE OR REPLACE FUNCTION record_head_forward_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                IF NEW.incident_id = OLD.incident_id AND (NEW.seq > OLD.seq
                    OR (NEW.seq = OLD.seq AND NEW.hash = OLD.hash)) THEN
                    RETURN NEW;
                END IF;
            ELSIF TG_OP = 'DELETE' THEN
                IF {_granted("OLD.incident_id")} THEN RETURN OLD; END IF;
            END IF;
            RAISE EXCEPTION '{BACKWARD}: % on record_head refused', TG_OP;
        END
        $$
        """,
        f"""
        CREATE FUNCTION incident_purge_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' AND {_granted("OLD.id")} THEN RETURN OLD; END IF;
            RAISE EXCEPTION '{ONLY_PURGE}: % on incident refused', TG_OP;
        END
        $$
        """,
        "CREATE TRIGGER incident_no_delete BEFORE DELETE ON incident "
        "FOR EACH ROW EXECUTE FUNCTION incident_purge_only()",
        "CREATE TRIGGER incident_no_truncate BEFORE TRUNCATE ON incident "
        "FOR EACH STATEMENT EXECUTE FUNCTION incident_purge_only()",
        "CREATE TRIGGER purge_log_append_only BEFORE UPDATE OR DELETE ON purge_log "
        "FOR EACH ROW EXECUTE FUNCTION record_refuse_change()",
        "CREATE TRIGGER purge_log_no_truncate BEFORE TRUNCATE ON purge_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION record_refuse_change()",
        f"""
        CREATE FUNCTION purge_grant_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                IF {_grant_ok(elapsed)} THEN RETURN NEW; END IF;
                RAISE EXCEPTION
                    '{ONLY_PURGE}: no tombstone, not resolved, on hold or within retention';
            ELSIF TG_OP = 'DELETE' THEN
                IF NOT {INCIDENT_LEFT} THEN RETURN OLD; END IF;
                RAISE EXCEPTION '{ONLY_PURGE}: the whole incident goes, or nothing';
            END IF;
            RAISE EXCEPTION '{ONLY_PURGE}: % on purge_grant refused', TG_OP;
        END
        $$
        """,
        "CREATE TRIGGER purge_grant_guard BEFORE INSERT OR UPDATE OR DELETE ON purge_grant "
        "FOR EACH ROW EXECUTE FUNCTION purge_grant_guard()",
    ]


ORIGINAL_REFUSE = f"""
CREATE OR REPLACE FUNCTION record_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{REFUSED}: % on % refused', TG_OP, TG_TABLE_NAME;
END
$$
"""
ORIGINAL_HEAD = f"""
CREATE OR REPLACE FUNCTION record_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
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
"""
SQLITE_ORIGINAL = {
    "record_entry_no_delete": ("record_entry", REFUSED),
    "record_file_no_delete": ("record_file", REFUSED),
    "audit_entry_no_delete": ("audit_entry", REFUSED),
    "record_head_no_delete": ("record_head", BACKWARD),
}


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER incident_no_delete ON incident")
        op.execute("DROP TRIGGER incident_no_truncate ON incident")
        op.execute("DROP FUNCTION incident_purge_only()")
        op.execute(ORIGINAL_REFUSE)
        op.execute(ORIGINAL_HEAD)
    else:
        for name in ("incident_no_delete", "purge_grant_check", "purge_grant_no_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        for name, (table, message) in SQLITE_ORIGINAL.items():
            op.execute(f"DROP TRIGGER {name}")
            op.execute(
                f"CREATE TRIGGER {name} BEFORE DELETE ON {table} BEGIN "
                f"SELECT RAISE(ABORT, '{message}: DELETE on {table} refused'); END"
            )
    op.drop_table("purge_grant")  # its own triggers go with it
    op.drop_table("purge_log")
    op.drop_table("legal_hold")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION purge_grant_guard()")
