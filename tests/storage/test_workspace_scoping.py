"""Role holders and library entries are read within one workspace (issue 16), on SQLite and
PostgreSQL: another workspace's rows are left out, rows not adopted yet are in every one."""

from __future__ import annotations

import pytest

from app.approvals.models import Decision
from app.approvals.policy import DEFAULT_POLICY
from app.clock import FakeClock
from app.errors import NotAuthorized, NotFound
from app.library import queries, service
from app.library.service import Draft
from app.roles import service as roles
from app.roles.models import Role
from app.store.engine import SessionFactory
from app.store.workspace import Workspace

OURS, THEIRS = Workspace("T0CRISIS", "E0GRID"), Workspace("T0SISTER", "E0GRID")
DRAFT = Draft("holding", "Holding", "We are on it.", kind="data_incident", audience="press")


async def staff(db: SessionFactory, clock: FakeClock) -> None:
    async with db.begin() as session:
        for team, legal, execs in ((OURS, "U0DAVID", "U0ROBERT"), (THEIRS, "U0PRIYA", "U0OWEN")):
            await roles.add(
                session, role=Role.LEGAL, users=[legal], by="U0A", at=clock.now(), team=team
            )
            await roles.add(
                session, role=Role.EXEC, users=[execs], by="U0A", at=clock.now(), team=team
            )
        await roles.add(session, role=Role.LEAD, users=["U0OLD"], by="U0A", at=clock.now())


async def test_holders_are_the_workspaces_own_and_those_not_adopted_yet(
    db: SessionFactory, clock: FakeClock
) -> None:
    await staff(db, clock)
    async with db() as session:
        ours, theirs = (
            await roles.holders(session, team=OURS),
            await roles.holders(session, team=THEIRS),
        )
    assert (ours[Role.LEGAL], ours[Role.EXEC]) == (["U0DAVID"], ["U0ROBERT"])
    assert (theirs[Role.LEGAL], theirs[Role.EXEC]) == (["U0PRIYA"], ["U0OWEN"])
    assert ours[Role.LEAD] == theirs[Role.LEAD] == ["U0OLD"]  # no workspace yet


async def test_adding_and_removing_change_one_workspace(
    db: SessionFactory, clock: FakeClock
) -> None:
    await staff(db, clock)
    async with db.begin() as session:
        again = await roles.add(
            session, role=Role.LEGAL, users=["U0DAVID"], by="U0A", at=clock.now(), team=THEIRS
        )
        gone = await roles.remove(
            session, role=Role.LEGAL, users=["U0DAVID"], by="U0A", at=clock.now(), team=OURS
        )
    assert again == ["U0DAVID"] and gone == ["U0DAVID"]
    async with db() as session:
        assert (await roles.holders(session, team=OURS))[Role.LEGAL] == []
        assert (await roles.holders(session, team=THEIRS))[Role.LEGAL] == ["U0PRIYA", "U0DAVID"]


async def propose(db: SessionFactory, clock: FakeClock, team: Workspace, title: str) -> int:
    async with db.begin() as session:
        version = await service.propose(
            session,
            Draft(DRAFT.key, title, DRAFT.text, kind=DRAFT.kind, audience=DRAFT.audience),
            by="U0LEAD",
            by_roles={Role.LEAD},
            at=clock.now(),
            policy=DEFAULT_POLICY,
            team=team,
        )
    return version.id or 0


async def test_each_workspace_has_its_own_entry_of_a_key(
    db: SessionFactory, clock: FakeClock
) -> None:
    ours = await propose(db, clock, OURS, "Ours")
    async with db() as session:
        assert await queries.find_entry(session, "holding", team=THEIRS) is None
        assert await queries.listed(session, team=THEIRS) == []
        with pytest.raises(NotFound):
            await queries.usable(session, "holding", team=THEIRS)
    theirs = await propose(db, clock, THEIRS, "Theirs")
    async with db() as session:
        found = {
            t.team_id: await queries.find_entry(session, "HOLDING", team=t) for t in (OURS, THEIRS)
        }
        listed = await queries.listed(session, team=THEIRS)
    assert {team: entry.team_id if entry else None for team, entry in found.items()} == {
        "T0CRISIS": "T0CRISIS",
        "T0SISTER": "T0SISTER",
    }
    assert [item.pending.id if item.pending else None for item in listed] == [theirs]
    assert theirs != ours


async def test_a_version_is_decided_by_its_workspaces_holders(
    db: SessionFactory, clock: FakeClock
) -> None:
    await staff(db, clock)
    version_id = await propose(db, clock, THEIRS, "Theirs")
    async with db.begin() as session:
        with pytest.raises(NotAuthorized):
            await service.decide(
                session,
                version_id=version_id,
                role=Role.LEGAL,
                decision=Decision.APPROVE,
                by="U0DAVID",  # legal in the other workspace
                reason=None,
                at=clock.now(),
                policy=DEFAULT_POLICY,
            )
    async with db.begin() as session:
        decided = await service.decide(
            session,
            version_id=version_id,
            role=Role.LEGAL,
            decision=Decision.APPROVE,
            by="U0PRIYA",
            reason=None,
            at=clock.now(),
            policy=DEFAULT_POLICY,
        )
    assert not decided.settled  # exec has still to approve
