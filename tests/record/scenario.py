"""Steps the record scenarios share: a war room whose events reach the bot, and its record."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from app.harness import Harness
from app.harness.seed import MARIA
from app.incidents.models import Incident
from app.record.append import ENTRY
from tests.scenarios.conftest import crisis, seed_roles


async def settle_all(harness: Harness) -> None:
    """Until the double has delivered every event and the bot has finished with each."""
    for _ in range(5):
        await harness.double.settle()
        await harness.settle()


async def open_war_room(harness: Harness) -> Incident:
    """Events flow from Slack to the bot; the seed roles are set; Maria opens the war room."""
    harness.driver.forward_events()
    await seed_roles(harness)
    await crisis(harness, MARIA.id, "open Customer-service video going viral")
    await settle_all(harness)
    async with harness.db() as session:
        return (await session.exec(select(Incident))).one()


async def record_of(harness: Harness, incident_id: int) -> list[dict[str, Any]]:
    async with harness.db() as session:
        conn = await session.connection()
        query = ENTRY.select().where(ENTRY.c.incident_id == incident_id).order_by(ENTRY.c.seq)
        rows = [dict(row._mapping) for row in await conn.execute(query)]
    for row in rows:
        row["body"] = json.loads(row["content"])
    return rows


def said(row: dict[str, Any]) -> str:
    return str((row["body"].get("message") or row["body"].get("previous") or {}).get("text"))


def by_key(rows: list[dict[str, Any]], key: str) -> dict[str, Any]:
    [row] = [row for row in rows if row["dedupe_key"] == key]
    return row
