"""Workspace ownership (issue 16): every workspace-owned row carries its team

`team_id` and `enterprise_id` (the Slack team of the workspace the row belongs to, and its
Enterprise Grid org) on `incident`, `role_assignment`, `action`, `reminder`,
`approval_reminder`, `library_entry` and `checklist_item`. Both are nullable with no default:
a migration cannot ask Slack which workspace it is in, so rows written before stay without a
team until the bot starts and adopts them into the workspace auth.test names
(app/workspaces/adoption.py). Indexes for a workspace's incidents by status and its standing
roles. A library key, unique until now, is unique per team: the old constraint had no name
(PostgreSQL called it `library_entry_key_key`, SQLite none), so it is looked up, and on
SQLite named by a naming convention for the batch copy to drop it; the versions, approvals
and cards pointing at the entries wait in TEMP tables while SQLite copies the table.

Revision ID: 0021_workspace_owner
Revises: 0020_metric_alerts
Create Date: 2026-12-02
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision: str = "0021_workspace_owner"
down_revision: str | None = "0020_metric_alerts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "incident",
    "role_assignment",
    "action",
    "reminder",
    "approval_reminder",
    "library_entry",
    "checklist_item",
)
COLUMNS = ("team_id", "enterprise_id")
INCIDENT_INDEX = "ix_incident_team_status"
ROLE_INDEX = "ix_role_assignment_team"
LIBRARY = "library_entry"
TEAM_KEY = "uq_library_entry_team_key"
# What an unnamed single-column unique constraint is called in a SQLite batch copy.
UNNAMED = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            for name in COLUMNS:
                batch.add_column(sa.Column(name, sa.String(32), nullable=True))
    op.create_index(INCIDENT_INDEX, "incident", ["team_id", "status"])
    op.create_index(ROLE_INDEX, "role_assignment", ["team_id", "role", "removed_at"])
    name = _unique_name(["key"]) or f"uq_{LIBRARY}_key"
    with (
        _children_parked(LIBRARY),
        op.batch_alter_table(LIBRARY, naming_convention=UNNAMED) as batch,
    ):
        batch.drop_constraint(name, type_="unique")
        batch.create_unique_constraint(TEAM_KEY, ["team_id", "key"])


def downgrade() -> None:
    with _children_parked(LIBRARY), op.batch_alter_table(LIBRARY) as batch:
        batch.drop_constraint(TEAM_KEY, type_="unique")
        batch.create_unique_constraint(f"uq_{LIBRARY}_key", ["key"])
    op.drop_index(ROLE_INDEX, table_name="role_assignment")
    op.drop_index(INCIDENT_INDEX, table_name="incident")
    for table in TABLES:  # SQLite 3.35+ drops an unindexed column in place (no copy)
        for name in reversed(COLUMNS):
            op.drop_column(table, name)


def _unique_name(columns: list[str]) -> str | None:
    """The name the database gave the library's unique constraint on `columns` (None on
    SQLite, where it was created without one)."""
    found = sa.inspect(op.get_bind()).get_unique_constraints(LIBRARY)
    return next((c["name"] for c in found if c["column_names"] == columns), None)


def _children(table: str) -> list[str]:
    """The tables whose rows point at `table`, directly or through one another, each after
    every one it points at (library_version, then library_approval and library_card)."""
    inspector = sa.inspect(op.get_bind())
    refers = {
        name: {fk["referred_table"] for fk in inspector.get_foreign_keys(name)} - {name}
        for name in inspector.get_table_names()
    }
    family: set[str] = set()
    while new := {n for n, to in refers.items() if to & (family | {table})} - family - {table}:
        family |= new
    ordered: list[str] = []
    while family:
        ready = sorted(n for n in family if not refers[n] & family) or sorted(family)
        ordered += ready
        family -= set(ready)
    return ordered


@contextmanager
def _children_parked(table: str) -> Iterator[None]:
    """SQLite copies `table` to change its constraints, and drops the old copy: with foreign
    keys on (they cannot be turned off inside the migration's transaction), rows pointing at
    it would refuse the drop. Their rows wait in TEMP tables meanwhile, leaves first out and
    parents first back in, ids and all."""
    if op.get_bind().dialect.name != "sqlite":
        yield
        return
    family = _children(table)
    for name in reversed(family):
        op.execute(f'CREATE TEMP TABLE "_parked_{name}" AS SELECT * FROM "{name}"')
        op.execute(f'DELETE FROM "{name}"')
    yield
    for name in family:
        op.execute(f'INSERT INTO "{name}" SELECT * FROM "_parked_{name}"')
        op.execute(f'DROP TABLE "_parked_{name}"')
