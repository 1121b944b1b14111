"""A decision racing a resolve, on SQLite and PostgreSQL: it waits for the resolve, then is
refused; and nothing changes an action of a resolved incident."""

from __future__ import annotations

import asyncio

import pytest

from app.approvals import service as approvals
from app.approvals.models import ActionState, Decision
from app.approvals.policy import DEFAULT_POLICY
from app.clock import FakeClock
from app.incidents.rules import IncidentClosed
from app.roles.models import Role
from app.store.engine import SessionFactory
from app.updates import service as updates
from tests.approvals.helpers import DAVID, MARIA, propose


async def approve(db: SessionFactory, clock: FakeClock, action_id: int) -> None:
    async with db.begin() as session:
        await approvals.decide(
            session,
            action_id=action_id,
            revision=1,
            role=Role.LEGAL,
            decision=Decision.APPROVE,
            by=DAVID,
            by_roles={Role.LEGAL},
            reason=None,
            at=clock.now(),
        )


async def test_a_decision_waiting_on_a_resolve_is_refused_once_it_commits(
    db: SessionFactory, clock: FakeClock, incident_id: int
) -> None:
    action_id = (await propose(db, clock, incident_id)).id or 0
    resolving, release = asyncio.Event(), asyncio.Event()

    async def resolve() -> None:
        async with db.begin() as session:
            await updates.resolve(
                session, incident_id=incident_id, summary="Calm", by=MARIA, at=clock.now()
            )
            resolving.set()
            await release.wait()

    resolver = asyncio.create_task(resolve())
    await resolving.wait()
    decision = asyncio.create_task(approve(db, clock, action_id))
    try:
        for _ in range(20):  # tiny polling: the decision is held at the lock, not finished
            await asyncio.sleep(0.005)
        held = not decision.done()
    finally:
        release.set()
        await resolver
    assert held, "the decision did not wait for the resolve to commit"
    with pytest.raises(IncidentClosed, match=r"is resolved; `/crisis reopen` first to approve"):
        await decision
    async with db() as session:
        card = await approvals.card(session, action_id)
    assert card.action.state == ActionState.PENDING
    assert [a.decided_by for a in card.approvals] == [None, None]


async def test_revise_and_done_are_refused_on_a_resolved_incident(
    db: SessionFactory, clock: FakeClock, incident_id: int
) -> None:
    action_id = (await propose(db, clock, incident_id)).id or 0
    async with db.begin() as session:
        await updates.resolve(
            session, incident_id=incident_id, summary="Calm", by=MARIA, at=clock.now()
        )
    with pytest.raises(IncidentClosed, match="to revise A-"):
        async with db.begin() as session:
            await approvals.revise(
                session,
                action_id=action_id,
                title="New",
                details="Words",
                by=MARIA,
                at=clock.now(),
                policy=DEFAULT_POLICY,
            )
    with pytest.raises(IncidentClosed, match="done"):
        async with db.begin() as session:
            await approvals.mark_done(
                session,
                action_id=action_id,
                by=MARIA,
                by_roles={Role.LEAD},
                note=None,
                at=clock.now(),
            )
    async with db() as session:
        card = await approvals.card(session, action_id)
    assert (card.action.revision, card.action.title) == (1, "CEO apology video")
