"""Enum columns store their value as VARCHAR and come back as the enum, in memory too."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError
from sqlmodel import select

from app.approvals.models import Action, ActionState, Approval, DecisionState
from app.approvals.policy import Category
from app.incidents.models import Incident, Kind, Severity, Status
from app.roles.models import Role
from app.store.engine import SessionFactory
from tests.factories import stored_incident

AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


async def stored_approval(db: SessionFactory) -> tuple[int, int]:
    incident = await stored_incident(db, at=AT)
    async with db.begin() as session:
        action = Action(
            incident_id=incident.id or 0,
            title="Apology",
            category=Category.PUBLIC_STATEMENT,
            proposer="U0MARIA",
            created_at=AT,
            updated_at=AT,
        )
        session.add(action)
        await session.flush()
        session.add(Approval(action_id=action.id or 0, revision=1, role=Role.LEGAL))
    return incident.id or 0, action.id or 0


async def test_orm_loads_give_the_enum_not_a_str(db: SessionFactory) -> None:
    incident_id, action_id = await stored_approval(db)
    async with db() as session:
        incident = await session.get(Incident, incident_id)
        action = await session.get(Action, action_id)
        approval = (await session.exec(select(Approval))).one()
    assert incident is not None and action is not None
    assert type(incident.status) is Status and incident.status is Status.INVESTIGATING
    assert type(incident.severity) is Severity and type(incident.kind) is Kind
    assert action.state is ActionState.PENDING and action.category is Category.PUBLIC_STATEMENT
    assert approval.role is Role.LEGAL and approval.state is DecisionState.PENDING


async def test_core_selects_give_the_enum_and_the_database_holds_the_value(
    db: SessionFactory,
) -> None:
    incident_id, _ = await stored_approval(db)
    async with db() as session:
        status = (await session.exec(select(Incident.status))).one()
        connection = await session.connection()
        raw = (
            await connection.execute(
                text("select status from incident where id = :id"), {"id": incident_id}
            )
        ).scalar_one()
        filtered = await session.exec(
            select(Approval.id).where(Approval.role == "legal", Approval.state == "pending")
        )
    assert status is Status.INVESTIGATING
    assert type(raw) is str and raw == "investigating"
    assert len(filtered.all()) == 1


async def test_a_value_outside_the_enum_is_refused_before_the_write(db: SessionFactory) -> None:
    incident_id, _ = await stored_approval(db)
    with pytest.raises(StatementError, match="is not a valid Status"):
        async with db.begin() as session:
            connection = await session.connection()
            await connection.execute(
                Incident.__table__.update()  # type: ignore[attr-defined]
                .where(Incident.__table__.c.id == incident_id)  # type: ignore[attr-defined]
                .values(status="archived-ish")
            )


def test_strings_given_to_a_model_become_the_enum_in_memory() -> None:
    incident = Incident(
        title="t",
        severity="SEV1",  # type: ignore[arg-type]
        status="monitoring",  # type: ignore[arg-type]
        channel_id="C1",
        channel_name="crisis-x",
        opened_by="U0MARIA",
        opened_at=AT,
    )
    assert incident.severity is Severity.SEV1 and incident.status is Status.MONITORING
    incident.status = "resolved"  # type: ignore[assignment]
    assert incident.status is Status.RESOLVED
    with pytest.raises(ValueError, match="is not a valid Status"):
        incident.status = "closed"  # type: ignore[assignment]
