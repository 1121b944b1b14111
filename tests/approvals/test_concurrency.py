"""Simultaneous clicks, on SQLite and PostgreSQL: no decision is lost or counted twice."""

from __future__ import annotations

import asyncio

from sqlmodel import col, select

from app.approvals import service as approvals
from app.approvals.errors import AlreadyDecided
from app.approvals.models import ActionState, Approval, Decision, DecisionState
from app.audit.service import trail
from app.clock import FakeClock
from app.roles import service as roles
from app.roles.models import Role
from app.store.engine import SessionFactory
from tests.approvals.helpers import DAVID, ROBERT, propose

ROUNDS = 20


async def click(
    db: SessionFactory, clock: FakeClock, action_id: int, role: Role, by: str, *, hold: float = 0
) -> approvals.DecisionResult | AlreadyDecided:
    """One click in its own transaction, reading first as a listener would (who holds which
    role, the card); `hold` keeps the transaction open after deciding."""
    try:
        async with db.begin() as session:
            await roles.holders(session, team=roles.NO_TEAM)
            await approvals.card(session, action_id)
            result = await approvals.decide(
                session,
                action_id=action_id,
                revision=1,
                role=role,
                decision=Decision.APPROVE,
                by=by,
                by_roles={role},
                reason=None,
                at=clock.now(),
            )
            await asyncio.sleep(hold)
        return result
    except AlreadyDecided as error:
        return error


async def decided(db: SessionFactory, action_id: int) -> list[Approval]:
    async with db() as session:
        query = select(Approval).where(
            Approval.action_id == action_id, col(Approval.state) != DecisionState.PENDING
        )
        return list((await session.exec(query)).all())


async def test_two_approvers_at_once_approve_the_action(
    db: SessionFactory, clock: FakeClock, incident_id: int
) -> None:
    for _ in range(ROUNDS):
        action_id = (await propose(db, clock, incident_id)).id or 0
        results = await asyncio.gather(
            click(db, clock, action_id, Role.LEGAL, DAVID),
            click(db, clock, action_id, Role.EXEC, ROBERT),
        )
        assert not [r for r in results if isinstance(r, AlreadyDecided)]
        assert sorted(r.outcome_changed for r in results) == [False, True]  # type: ignore[union-attr]
        async with db() as session:
            card = await approvals.card(session, action_id)
        assert card.action.state == ActionState.APPROVED
        assert len(await decided(db, action_id)) == 2


async def test_second_approver_waits_for_the_first_and_sees_its_decision(
    db: SessionFactory, clock: FakeClock, incident_id: int
) -> None:
    action_id = (await propose(db, clock, incident_id)).id or 0
    slow = asyncio.create_task(click(db, clock, action_id, Role.LEGAL, DAVID, hold=0.3))
    await asyncio.sleep(0.1)
    fast = await click(db, clock, action_id, Role.EXEC, ROBERT)
    first = await slow
    assert isinstance(first, approvals.DecisionResult) and not first.outcome_changed
    assert isinstance(fast, approvals.DecisionResult) and fast.outcome_changed
    assert fast.action.state == ActionState.APPROVED


async def test_a_double_click_counts_once(
    db: SessionFactory, clock: FakeClock, incident_id: int
) -> None:
    for _ in range(ROUNDS):
        action_id = (await propose(db, clock, incident_id)).id or 0
        results = await asyncio.gather(
            click(db, clock, action_id, Role.LEGAL, DAVID),
            click(db, clock, action_id, Role.LEGAL, DAVID),
        )
        refused = [r for r in results if isinstance(r, AlreadyDecided)]
        assert len(refused) == 1 and refused[0].by == DAVID and refused[0].role == Role.LEGAL
        assert len(await decided(db, action_id)) == 1
    async with db() as session:
        decisions = [e for e in await trail(session) if e.action == "action.decide"]
    assert len(decisions) == ROUNDS


async def test_everyone_clicking_everything_at_once_settles_once(
    db: SessionFactory, clock: FakeClock, incident_id: int
) -> None:
    action_id = (await propose(db, clock, incident_id)).id or 0
    clicks = [
        click(db, clock, action_id, role, who)
        for role, who in [(Role.LEGAL, DAVID), (Role.EXEC, ROBERT)]
        for _ in range(4)
    ]
    results = await asyncio.gather(*clicks)
    accepted = [r for r in results if isinstance(r, approvals.DecisionResult)]
    assert len(accepted) == 2 and sum(r.outcome_changed for r in accepted) == 1
    assert len(await decided(db, action_id)) == 2
