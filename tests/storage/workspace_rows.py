"""A single-workspace database from before issue 16: migrated to 0020, with a row in every table
a workspace owns (and the library's versions and approvals, which point at its entries)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import column, func, select, table
from sqlalchemy.ext.asyncio import AsyncEngine

from app.store.migrate import upgrade
from app.store.types import UTCDateTime
from app.workspaces.adoption import OWNED as OWNED_MODELS

BEFORE = "0020_metric_alerts"
AT = datetime(2026, 10, 2, 9, 0, tzinfo=UTC)
OWNED = tuple(model.__tablename__ for model in OWNED_MODELS)  # (the tables adoption knows)
ROWS: dict[str, list[dict[str, Any]]] = {
    "incident": [
        {
            "id": n,
            "title": f"Old crisis {n}",
            "severity": "SEV2",
            "kind": "crisis",
            "summary": "",
            "status": "resolved" if n == 2 else "investigating",
            "channel_id": f"C0OLD{n}",
            "channel_name": f"crisis-old-{n}",
            "opened_by": "U0MARIA",
            "opened_at": AT,
        }
        for n in (1, 2)
    ],
    "role_assignment": [
        {"id": n, "role": role, "user_id": user, "assigned_by": "U0ALEX", "assigned_at": AT}
        for n, (role, user) in enumerate([("lead", "U0MARIA"), ("legal", "U0DAVID")], 1)
    ],
    "action": [
        {
            "id": 1,
            "incident_id": 1,
            "title": "Apologise",
            "details": "",
            "category": "public_statement",
            "proposer": "U0MARIA",
            "revision": 1,
            "state": "pending",
            "created_at": AT,
            "updated_at": AT,
        }
    ],
    "approval": [{"id": 1, "action_id": 1, "revision": 1, "role": "legal", "state": "pending"}],
    "reminder": [
        {
            "id": 1,
            "incident_id": 1,
            "due_at": AT,
            "kind": "nudge",
            "recipient": "C0OLD1",
            "attempts": 0,
        }
    ],
    "approval_reminder": [
        {
            "id": 1,
            "approval_id": 1,
            "step": 1,
            "kind": "approver",
            "recipient": "U0DAVID",
            "attempts": 0,
        }
    ],
    "library_entry": [
        {
            "id": 7,
            "key": "apology-long-wait",
            "kind": "service_failure_viral",
            "audience": "public",
            "created_by": "U0MARIA",
            "created_at": AT,
        }
    ],
    "library_version": [
        {
            "id": 3,
            "entry_id": 7,
            "version": 1,
            "title": "We are sorry",
            "text": "We are sorry, {customer}.",
            "state": "approved",
            "proposed_by": "U0MARIA",
            "proposed_at": AT,
        }
    ],
    "library_approval": [{"id": 5, "version_id": 3, "role": "legal", "state": "approved"}],
    "checklist_item": [
        {"incident_id": 1, "step": step, "position": n, "label": step.title()}
        for n, step in enumerate(("assess", "communicate"))
    ],
    "outbox": [  # someone's Home tab (migration 0023 gives these a team too)
        {  # (no id: the start adds rows after it, from PostgreSQL's sequence)
            "kind": "home",
            "subject_id": 0,
            "channel_id": "",
            "ts": "",
            "user_id": "U0MARIA",
            "want_version": 2,
            "done_version": 1,
            "attempts": 0,
            "changed_at": AT,
        }
    ],
}
COUNTS = {name: len(ROWS[name]) for name in OWNED}


def _table(name: str, row: dict[str, Any]) -> Any:
    types = {key: UTCDateTime() if isinstance(v, datetime) else None for key, v in row.items()}
    return table(name, *(column(key, kind) for key, kind in types.items()))


async def at_0020_with_rows(engine: AsyncEngine) -> None:
    """Migrate an empty database to 0020 and write the rows as that release did."""
    await upgrade(engine, BEFORE)
    async with engine.begin() as connection:
        for name, rows in ROWS.items():
            for row in rows:
                await connection.execute(_table(name, row).insert().values(**row))


async def teams(engine: AsyncEngine, name: str) -> list[tuple[str | None, str | None]]:
    """(team_id, enterprise_id) of every row of `name`."""
    query = select(column("team_id"), column("enterprise_id")).select_from(table(name))
    async with engine.connect() as connection:
        return [(row[0], row[1]) for row in (await connection.execute(query)).all()]


async def count(engine: AsyncEngine, name: str) -> int:
    async with engine.connect() as connection:
        found = await connection.execute(select(func.count()).select_from(table(name)))
        return int(found.scalar_one())
