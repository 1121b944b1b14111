"""Shared steps for record tests: an incident, messages as Slack sends them, reading entries."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from app.clock import FakeClock
from app.incidents.models import Incident
from app.record.append import ENTRY, append
from app.record.drafts import Draft, from_event
from app.store.engine import SessionFactory
from tests.factories import stored_incident

CHANNEL = "C0WAR"


async def new_incident(db: SessionFactory, clock: FakeClock, channel: str = CHANNEL) -> Incident:
    return await stored_incident(db, at=clock.now(), channel=channel)


def message(ts: str, text: str, *, user: str = "U0MARIA", **extra: Any) -> dict[str, Any]:
    return {"type": "message", "channel": CHANNEL, "ts": ts, "user": user, "text": text, **extra}


def draft_of(event: dict[str, Any]) -> Draft:
    draft = from_event(event)
    assert draft is not None
    return draft


async def add(db: SessionFactory, incident_id: int, draft: Draft, clock: FakeClock) -> Any:
    async with db.begin() as session:
        conn = await session.connection()
        return await conn.run_sync(
            lambda c: append(c, draft, incident_id=incident_id, recorded_at=clock.now())
        )


async def rows(db: SessionFactory, incident_id: int) -> list[dict[str, Any]]:
    async with db() as session:
        conn = await session.connection()
        result = await conn.execute(
            select(ENTRY).where(ENTRY.c.incident_id == incident_id).order_by(ENTRY.c.seq)
        )
        return [dict(row._mapping) for row in result]


def content(row: dict[str, Any]) -> dict[str, Any]:
    return json.loads(row["content"])


async def query(db: SessionFactory) -> Incident:
    async with db() as session:
        return (await session.exec(select(Incident))).one()  # type: ignore[call-overload]
