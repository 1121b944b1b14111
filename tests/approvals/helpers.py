"""Shared helpers for the approvals tests."""

from __future__ import annotations

from app.approvals import service as approvals
from app.approvals.models import Action
from app.approvals.policy import DEFAULT_POLICY, Category
from app.clock import FakeClock
from app.store.engine import SessionFactory

MARIA, DAVID, ROBERT, LISA, ANNA = "U0MARIA", "U0DAVID", "U0ROBERT", "U0LISA", "U0ANNA"


async def propose(
    db: SessionFactory,
    clock: FakeClock,
    incident_id: int,
    *,
    category: Category = Category.PUBLIC_STATEMENT,
    title: str = "CEO apology video",
    details: str = "We are sorry for how we treated a customer.",
    owner: str | None = ROBERT,
) -> Action:
    async with db.begin() as session:
        return await approvals.propose(
            session,
            incident_id=incident_id,
            title=title,
            details=details,
            category=category,
            proposer=MARIA,
            owner=owner,
            at=clock.now(),
            policy=DEFAULT_POLICY,
        )
