"""Steps for retention tests: a resolved incident with messages, a file, an action, updates."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import func, select, text
from sqlmodel import SQLModel

import app.models  # noqa: F401  (every table, as the running bot has them)
from app.approvals.models import Action, ActionRevision
from app.approvals.policy import Category
from app.clock import FakeClock
from app.flows.deps import Deps
from app.incidents import hold
from app.incidents.models import Incident
from app.record.append import append, store_file
from app.record.drafts import Draft
from app.record.models import EntryKind
from app.store.engine import SessionFactory
from app.updates import service as updates
from tests.factories import stored_incident
from tests.updates.processes import RecordingSlack, process

DAYS = 30
FILE_BYTES = b"%PDF-1.4 statement draft"
FILE_SHA = hashlib.sha256(FILE_BYTES).hexdigest()


async def war_room(
    db: SessionFactory, clock: FakeClock, channel: str, *, file: bytes = FILE_BYTES
) -> Incident:
    """An incident with two messages, a shared file, an action and an update; still open."""
    incident = await stored_incident(db, at=clock.now(), channel=channel)
    incident_id = incident.id or 0
    sha = hashlib.sha256(file).hexdigest()
    drafts = [
        _draft(EntryKind.MESSAGE, f"{channel}:1", {"text": "Video is at 2.7M views"}, clock),
        _draft(
            EntryKind.FILE, f"{channel}:2", {"files": [{"sha256": sha, "name": "a.pdf"}]}, clock
        ),
    ]
    async with db.begin() as session:
        conn = await session.connection()
        await conn.run_sync(lambda c: store_file(c, sha, file))
        for draft in drafts:
            await conn.run_sync(
                lambda c, d=draft: append(c, d, incident_id=incident_id, recorded_at=clock.now())
            )
        now = clock.now()
        action = Action(
            incident_id=incident_id,
            title="Apology",
            category=Category.PUBLIC_STATEMENT,
            proposer="U0MARIA",
            created_at=now,
            updated_at=now,
        )
        session.add(action)
        await session.flush()
        session.add(
            ActionRevision(
                action_id=action.id or 0,
                revision=1,
                title="Apology",
                details="",
                by="U0MARIA",
                at=now,
            )
        )
    return incident


def _draft(kind: EntryKind, key: str, content: dict[str, object], clock: FakeClock) -> Draft:
    return Draft(kind=kind, dedupe_key=key, occurred_at=clock.now(), content=content)


async def resolve(db: SessionFactory, clock: FakeClock, incident_id: int) -> None:
    async with db.begin() as session:
        await updates.resolve(
            session, incident_id=incident_id, summary="Calm again", by="U0MARIA", at=clock.now()
        )


async def place_hold(db: SessionFactory, clock: FakeClock, incident_id: int) -> None:
    async with db.begin() as session:
        await hold.place(
            session,
            incident_id=incident_id,
            reason="Litigation expected",
            by="U0DAVID",
            at=clock.now(),
        )


def retaining(db: SessionFactory, clock: FakeClock, days: int | None = DAYS) -> Deps:
    deps = process(db, clock, RecordingSlack())
    deps.settings = deps.settings.model_copy(update={"retention_days": days})
    return deps


async def rows_of(db: SessionFactory, incident_id: int) -> dict[str, int]:
    """How many rows each table holds for the incident (tables with an incident_id column)."""
    counts: dict[str, int] = {}
    async with db() as session:
        conn = await session.connection()
        for table in SQLModel.metadata.sorted_tables:
            if "incident_id" in table.c and table.name not in {"purge_log"}:
                query = select(func.count()).select_from(table)
                query = query.where(table.c.incident_id == incident_id)
                counts[table.name] = int((await conn.execute(query)).scalar_one())
        incident = await session.get(Incident, incident_id)
    counts["incident"] = 0 if incident is None else 1
    return counts


async def file_count(db: SessionFactory) -> int:
    async with db() as session:
        conn = await session.connection()
        return int((await conn.execute(text("SELECT count(*) FROM record_file"))).scalar_one())


ELAPSED = timedelta(days=DAYS)
