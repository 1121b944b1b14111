"""Audience variants: the pure rules, and a set kept per revision on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from app.approvals import service as approvals
from app.approvals import variants
from app.approvals.models import Action, ActionState
from app.approvals.policy import DEFAULT_POLICY, Category
from app.approvals.variants import Audience
from app.audit.service import trail
from app.clock import FakeClock
from app.errors import BadCommand, NotAuthorized
from app.roles.models import Role
from app.store.engine import SessionFactory
from tests.approvals.helpers import MARIA, ROBERT

SET = {Audience.PRESS: "  For the press.  ", Audience.EXECUTIVES: "For the board.", "social": ""}


def test_checked_variants_strips_drops_empty_and_keeps_audience_order() -> None:
    checked = variants.checked_variants(SET)  # type: ignore[arg-type]
    assert list(checked.items()) == [
        (Audience.EXECUTIVES, "For the board."),
        (Audience.PRESS, "For the press."),
    ]
    assert variants.checked_variants(None) == {}
    with pytest.raises(BadCommand, match="The Social variant is 3001 characters"):
        variants.checked_variants({Audience.SOCIAL: "x" * 3001})


def test_the_guard_screens_each_variant() -> None:
    found = variants.flagged(
        {Audience.PRESS: "It was our fault.", Audience.SOCIAL: "We are sorry."},
        DEFAULT_POLICY.fault_phrases,
    )
    assert found == {Audience.PRESS: ["our fault"]}


def action(state: ActionState, owner: str | None = ROBERT) -> Action:
    return Action(id=3, incident_id=1, title="t", category=Category.PUBLIC_STATEMENT,
                  proposer=MARIA, owner=owner, state=state)  # fmt: skip


def test_only_a_lead_or_the_owner_posts_and_only_once_approved() -> None:
    variants.check_postable(action(ActionState.APPROVED), by=ROBERT, by_roles=set())
    variants.check_postable(action(ActionState.DONE), by="U0LEAD", by_roles={Role.LEAD})
    with pytest.raises(NotAuthorized, match="Only an incident lead or its owner can post"):
        variants.check_postable(action(ActionState.APPROVED), by=MARIA, by_roles={Role.LEGAL})
    with pytest.raises(NotAuthorized, match="Only an incident lead can post"):
        variants.check_postable(action(ActionState.APPROVED, None), by=MARIA, by_roles=set())
    with pytest.raises(BadCommand, match="waiting for approval; its variants can be posted"):
        variants.check_postable(action(ActionState.PENDING), by=ROBERT, by_roles=set())


def test_each_audience_has_its_place() -> None:
    where = {
        audience: variants.destination(
            audience, war_room="CROOM", executive_channel="CEXEC", employee_channel=None
        )
        for audience in Audience
    }
    assert where == {
        Audience.EXECUTIVES: "CEXEC",
        Audience.EMPLOYEES: "CROOM",
        Audience.CUSTOMERS: "CROOM",
        Audience.PRESS: "CROOM",
        Audience.SOCIAL: "CROOM",
    }
    assert (
        variants.effect_id(action(ActionState.APPROVED), Audience.PRESS) == "variant:A-3:r1:press"
    )


async def test_each_revision_keeps_its_own_set(
    db: SessionFactory, clock: FakeClock, incident_id: int
) -> None:
    async with db.begin() as session:
        proposed = await approvals.propose(
            session,
            incident_id=incident_id,
            title="CEO apology",
            details="We are sorry.",
            category=Category.PUBLIC_STATEMENT,
            proposer=MARIA,
            owner=ROBERT,
            at=clock.now(),
            policy=DEFAULT_POLICY,
            variants={Audience.PRESS: "It was our fault.", Audience.SOCIAL: "Sorry, all."},
        )
    aid = proposed.id or 0
    async with db.begin() as session:  # only a variant changes: still a revision
        await approvals.revise(
            session,
            action_id=aid,
            title="CEO apology",
            details="We are sorry.",
            by=MARIA,
            at=clock.now(),
            policy=DEFAULT_POLICY,
            variants={Audience.PRESS: "We are sorry.", Audience.SOCIAL: "Sorry, all."},
        )
    async with db.begin() as session:
        with pytest.raises(BadCommand, match="Nothing changed"):  # None: the set as it is
            await approvals.revise(
                session,
                action_id=aid,
                title="CEO apology",
                details="We are sorry.",
                by=MARIA,
                at=clock.now(),
                policy=DEFAULT_POLICY,
            )
    async with db() as session:
        first = await variants.texts_of(session, aid, 1)
        second = await variants.texts_of(session, aid, 2)
        card = await approvals.card(session, aid)
        entries = {e.action: e.detail for e in await trail(session, incident_id=incident_id)}
    assert first == {Audience.PRESS: "It was our fault.", Audience.SOCIAL: "Sorry, all."}
    assert second == {Audience.PRESS: "We are sorry.", Audience.SOCIAL: "Sorry, all."}
    assert [v.audience for v in card.variants] == [Audience.PRESS, Audience.SOCIAL]
    assert card.action.revision == 2 and card.action.state == ActionState.PENDING
    assert entries["action.propose"]["variant_fault_phrases"] == {"press": ["our fault"]}
    assert entries["action.revise"]["old_variants"]["press"] == "It was our fault."
    assert entries["action.revise"]["variants"]["press"] == "We are sorry."
