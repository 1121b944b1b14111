"""Approval reminders on SQLite and PostgreSQL: due approvals are read through an index and
leased to one process, each message is claimed by exactly one sender, and a decision clears it."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from app.approvals import reminders_claims as claims
from app.approvals import reminders_schedule as schedule
from app.approvals import service
from app.approvals.models import Approval, Decision
from app.approvals.policy import DEFAULT_POLICY, Category
from app.approvals.reminders import REMIND, ApprovalReminderKey, ApprovalReminderKind
from app.clock import FakeClock
from app.roles import service as roles
from app.roles.models import Role
from app.store.engine import SessionFactory
from tests.factories import stored_incident

WAIT = timedelta(minutes=30)  # the response time


async def proposed(db: SessionFactory, clock: FakeClock) -> list[Approval]:
    incident = await stored_incident(db, at=clock.now())  # SEV1: a statement waits 30 min
    async with db.begin() as session:
        await roles.add(session, role=Role.LEGAL, users=["U0DAVID"], by="U0ALEX", at=clock.now())
        action = await service.propose(
            session,
            incident_id=incident.id or 0,
            title="CEO apology",
            details="We are sorry.",
            category=Category.PUBLIC_STATEMENT,
            proposer="U0MARIA",
            owner=None,
            at=clock.now(),
            policy=DEFAULT_POLICY,
        )
        return await service.current_approvals(session, action)


async def test_due_approvals_are_leased_to_one_process(
    db: SessionFactory, clock: FakeClock
) -> None:
    approvals = await proposed(db, clock)
    assert {a.next_reminder_at for a in approvals} == {clock.now() + WAIT}

    async def take() -> list[int]:
        async with db.begin() as session:
            return await schedule.take_due(session, now=clock.now())

    assert await take() == []
    clock.advance(WAIT)
    first, second = await asyncio.gather(take(), take())
    assert sorted(first + second) == sorted(a.id for a in approvals if a.id)
    assert await take() == []  # leased


async def test_each_message_is_claimed_by_exactly_one_sender(
    db: SessionFactory, clock: FakeClock
) -> None:
    [legal, *_] = [a for a in await proposed(db, clock) if a.role == Role.LEGAL]
    key = ApprovalReminderKey(
        legal.id or 0, legal.action_id, 1, Role.LEGAL, REMIND, ApprovalReminderKind.APPROVER, "U0D"
    )
    clock.advance(WAIT)

    async def claim(owner: str) -> bool:
        async with db.begin() as session:
            return await claims.claim(session, key, owner=owner, now=clock.now()) is not None

    won = await asyncio.gather(*(claim(f"process-{n}") for n in range(4)))
    assert won.count(True) == 1
    assert key.effect == f"approval-reminder:A-{legal.action_id}:r1:legal:1:approver:U0D"


async def test_a_decision_clears_the_next_reminder(db: SessionFactory, clock: FakeClock) -> None:
    [legal, *_] = [a for a in await proposed(db, clock) if a.role == Role.LEGAL]
    async with db.begin() as session:
        await service.decide(
            session,
            action_id=legal.action_id,
            revision=1,
            role=Role.LEGAL,
            decision=Decision.APPROVE,
            by="U0DAVID",
            reason=None,
            at=clock.now(),
        )
    clock.advance(6 * WAIT)
    async with db.begin() as session:
        due = await schedule.take_due(session, now=clock.now())
    assert legal.id not in due and len(due) == 1  # only exec still waits
