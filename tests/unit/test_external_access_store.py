"""Legal's decision on outside people, stored (SQLite and PostgreSQL): once, with who and when,
audited with its state change in one transaction, and so in the incident's legal record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from app.audit.models import AuditEntry
from app.incidents import external_access as external
from app.incidents.external_access import Outsider
from app.incidents.external_models import AccessState
from app.store.engine import SessionFactory
from tests.factories import stored_incident
from tests.record.helpers import content, rows

AT = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)
DANA = Outsider("U0DANA", "Dana Reyes", "T0ACME", "Acme PR")


async def asked(db: SessionFactory) -> tuple[int, int]:
    incident = await stored_incident(db, at=AT)
    async with db.begin() as session:
        access = await external.ask(
            session, incident_id=incident.id or 0, people=[DANA], by="U0MARIA", at=AT
        )
    return incident.id or 0, access.id or 0


async def actions(db: SessionFactory, incident_id: int) -> list[AuditEntry]:
    async with db() as session:
        query = select(AuditEntry).where(AuditEntry.incident_id == incident_id)
        entries = (await session.exec(query)).all()
    return [e for e in entries if e.action.startswith("external.")]


async def test_the_ask_is_stored_waiting_and_audited(db: SessionFactory) -> None:
    incident_id, access_id = await asked(db)
    async with db() as session:
        access = await external.get(session, access_id)
    assert access is not None and access.state == AccessState.WAITING
    assert external.people_of(access) == [DANA]
    [wait] = await actions(db, incident_id)
    assert (wait.action, wait.actor) == (external.WAIT, "U0MARIA")
    assert wait.detail == {"access_id": access_id, "people": [DANA.as_row()]}


async def test_a_decision_is_made_once_with_who_and_when(db: SessionFactory) -> None:
    incident_id, access_id = await asked(db)
    later = AT + timedelta(minutes=5)
    async with db.begin() as session:
        first = await external.decide(
            session, access_id=access_id, allow=True, by="U0DAVID", at=later
        )
    async with db.begin() as session:  # a double click, or another Legal a moment later
        second = await external.decide(
            session, access_id=access_id, allow=False, by="U0ANNA", at=later + timedelta(1)
        )
    assert first is not None and first.fresh
    assert second is not None and not second.fresh
    access = second.access
    assert (access.state, access.decided_by, access.decided_at) == (
        AccessState.ALLOWED,
        "U0DAVID",
        later,
    )
    decisions = [e for e in await actions(db, incident_id) if e.action != external.WAIT]
    assert [(e.action, e.actor, e.at) for e in decisions] == [(external.ALLOW, "U0DAVID", later)]
    recorded = [content(row) for row in await rows(db, incident_id) if row["kind"] == "action"]
    assert [c["action"] for c in recorded if c["action"].startswith("external.")] == [
        external.WAIT,
        external.ALLOW,
    ]


async def test_a_decision_rolled_back_leaves_it_waiting(db: SessionFactory) -> None:
    incident_id, access_id = await asked(db)
    try:
        async with db.begin() as session:
            await external.decide(session, access_id=access_id, allow=False, by="U0DAVID", at=AT)
            raise RuntimeError("the transaction fails after the decision")
    except RuntimeError:
        pass
    async with db() as session:
        access = await external.get(session, access_id)
    assert access is not None and access.state == AccessState.WAITING
    assert access.decided_by is None
    assert [e.action for e in await actions(db, incident_id)] == [external.WAIT]


async def test_no_such_ask_is_none(db: SessionFactory) -> None:
    async with db.begin() as session:
        assert await external.decide(session, access_id=999, allow=True, by="U", at=AT) is None
