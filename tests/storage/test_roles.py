from datetime import timedelta

from app.audit.service import trail
from app.clock import FakeClock
from app.roles import service as roles
from app.roles.models import Role
from app.store.engine import SessionFactory


async def test_adding_and_removing_keeps_history_and_audit(
    db: SessionFactory, clock: FakeClock
) -> None:
    async with db.begin() as session:
        added = await roles.add(
            session, role=Role.LEGAL, users=["U0DAVID", "U0ANNA"], by="U0ADMIN", at=clock.now()
        )
    assert added == ["U0DAVID", "U0ANNA"]
    clock.advance(timedelta(minutes=5))
    async with db.begin() as session:
        again = await roles.add(
            session, role=Role.LEGAL, users=["U0DAVID"], by="U0ADMIN", at=clock.now()
        )
        removed = await roles.remove(
            session, role=Role.LEGAL, users=["U0ANNA", "U0NOBODY"], by="U0ADMIN", at=clock.now()
        )
    assert again == [] and removed == ["U0ANNA"]
    async with db() as session:
        holders = await roles.holders(session, team=roles.NO_TEAM)
        entries = await trail(session)
    assert holders[Role.LEGAL] == ["U0DAVID"]
    assert holders[Role.EXEC] == []
    assert [(e.action, e.actor, e.detail["users"]) for e in entries] == [
        ("role.add", "U0ADMIN", ["U0DAVID", "U0ANNA"]),
        ("role.remove", "U0ADMIN", ["U0ANNA"]),
    ]
    assert entries[1].at - entries[0].at == timedelta(minutes=5)


async def test_everyone_lists_each_person_once(db: SessionFactory, clock: FakeClock) -> None:
    async with db.begin() as session:
        await roles.add(session, role=Role.LEAD, users=["U0MARIA"], by="U0A", at=clock.now())
        await roles.add(session, role=Role.SOCIAL, users=["U0MARIA"], by="U0A", at=clock.now())
        assert roles.everyone(await roles.holders(session, team=roles.NO_TEAM)) == ["U0MARIA"]
