"""The library's service on SQLite and PostgreSQL: versions, decisions, the rules they keep."""

from __future__ import annotations

import pytest

from app.approvals.models import Decision
from app.approvals.policy import DEFAULT_POLICY
from app.clock import FakeClock
from app.errors import BadCommand, NotAuthorized, NotFound
from app.library import queries, service
from app.library.service import Draft
from app.roles import service as roles
from app.roles.models import Role
from app.roles.service import NO_TEAM
from app.store.engine import SessionFactory

MARIA, DAVID, ROBERT, SARAH = "U0MARIA", "U0DAVID", "U0ROBERT", "U0SARAH"
DRAFT = Draft("apology", "Apology", "Sorry, {customer}.", kind="data_incident", audience="press")


@pytest.fixture
async def staffed(db: SessionFactory, clock: FakeClock) -> SessionFactory:
    async with db.begin() as session:
        for role, user in ((Role.LEAD, MARIA), (Role.LEGAL, DAVID), (Role.EXEC, ROBERT)):
            await roles.add(session, role=role, users=[user], by="U0ALEX", at=clock.now())
    return db


async def propose(db: SessionFactory, clock: FakeClock, draft: Draft = DRAFT) -> int:
    async with db.begin() as session:
        version = await service.propose(
            session,
            draft,
            by=MARIA,
            by_roles={Role.LEAD},
            at=clock.now(),
            policy=DEFAULT_POLICY,
        )
    assert version.id is not None
    return version.id


async def decide(db: SessionFactory, clock: FakeClock, version_id: int, by: str, role: Role) -> str:
    async with db.begin() as session:
        decided = await service.decide(
            session,
            version_id=version_id,
            role=role,
            decision=Decision.APPROVE,
            by=by,
            reason=None,
            at=clock.now(),
            policy=DEFAULT_POLICY,
        )
    return str(decided.version.state)


async def test_a_version_is_usable_only_once_every_role_approved(
    staffed: SessionFactory, clock: FakeClock
) -> None:
    version_id = await propose(staffed, clock)
    async with staffed() as session:
        with pytest.raises(BadCommand, match="no approved version yet"):
            await queries.usable(session, "apology", team=NO_TEAM)
    assert await decide(staffed, clock, version_id, DAVID, Role.LEGAL) == "pending"
    assert await decide(staffed, clock, version_id, ROBERT, Role.EXEC) == "approved"
    async with staffed() as session:
        _, version, approvals = await queries.usable(session, "APOLOGY", team=NO_TEAM)
    assert version.id == version_id and {a.decided_by for a in approvals} == {DAVID, ROBERT}


async def test_the_rules_of_deciding(staffed: SessionFactory, clock: FakeClock) -> None:
    version_id = await propose(staffed, clock)
    with pytest.raises(NotAuthorized, match="legal or exec"):
        await decide(staffed, clock, version_id, SARAH, Role.LEGAL)
    await decide(staffed, clock, version_id, DAVID, Role.LEGAL)
    with pytest.raises(BadCommand, match="already decided"):
        await decide(staffed, clock, version_id, DAVID, Role.LEGAL)
    with pytest.raises(BadCommand, match="still waiting for approval"):
        await propose(staffed, clock, Draft("apology", "Apology", "Other words.", new=False))


async def test_keys_are_unique_and_changes_must_change_something(
    staffed: SessionFactory, clock: FakeClock
) -> None:
    version_id = await propose(staffed, clock)
    await decide(staffed, clock, version_id, DAVID, Role.LEGAL)
    await decide(staffed, clock, version_id, ROBERT, Role.EXEC)
    with pytest.raises(BadCommand, match="already in the library"):
        await propose(staffed, clock)
    same = Draft("apology", DRAFT.title, DRAFT.text, new=False)
    with pytest.raises(BadCommand, match="Nothing changed"):
        await propose(staffed, clock, same)
    with pytest.raises(NotFound, match="no statement “nope”"):
        await propose(staffed, clock, Draft("nope", "T", "Words.", new=False))
    with pytest.raises(BadCommand, match="not a crisis kind"):
        await propose(staffed, clock, Draft("other", "T", "W", kind="war", audience="press"))
