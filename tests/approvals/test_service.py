"""The approvals service on SQLite and PostgreSQL: proposing, deciding, revising, finishing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.approvals import service as approvals
from app.approvals.errors import AlreadyDecided
from app.approvals.models import ActionState, CopyKind, Decision, DecisionState
from app.approvals.policy import DEFAULT_POLICY, Category
from app.audit.service import trail
from app.clock import FakeClock
from app.errors import BadCommand, NotAuthorized, NotFound
from app.roles.models import Role
from app.slack.blocks.error_lines import error_line
from app.store.engine import SessionFactory
from tests.approvals.helpers import DAVID, LISA, MARIA, ROBERT, propose


async def decide(
    db: SessionFactory,
    clock: FakeClock,
    action_id: int,
    role: Role,
    decision: Decision = Decision.APPROVE,
    *,
    by: str = DAVID,
    by_roles: set[Role] | None = None,
    revision: int = 1,
    reason: str | None = None,
) -> approvals.DecisionResult:
    async with db.begin() as session:
        return await approvals.decide(
            session,
            action_id=action_id,
            revision=revision,
            role=role,
            decision=decision,
            by=by,
            by_roles=by_roles if by_roles is not None else {role},
            reason=reason,
            at=clock.now(),
        )


async def test_propose_asks_each_role_the_policy_names(
    db: SessionFactory, clock: FakeClock, incident_id: int
) -> None:
    action = await propose(db, clock, incident_id, details="It was our fault. We admit it.")
    async with db() as session:
        card = await approvals.card(session, action.id or 0)
        history = await approvals.history(session, action.id or 0)
        entries = await trail(session, incident_id=incident_id)
    assert card.action.ref == f"A-{action.id}" and card.action.state == ActionState.PENDING
    assert [(a.role, a.state, a.revision) for a in card.approvals] == [
        (Role.LEGAL, DecisionState.PENDING, 1),
        (Role.EXEC, DecisionState.PENDING, 1),
    ]
    assert card.revisions == 1 and card.incident_ref == f"INC-{incident_id}"
    assert [(h.revision, h.title, h.by) for h in history] == [(1, "CEO apology video", MARIA)]
    proposed = entries[-1]
    assert proposed.action == "action.propose" and proposed.actor == MARIA
    assert proposed.detail["required_roles"] == ["legal", "exec"]
    assert proposed.detail["fault_phrases"] == ["our fault", "we admit"]
    assert proposed.detail["owner"] == ROBERT and proposed.detail["wording_guard"] is True


@pytest.mark.parametrize(
    ("title", "details", "message"),
    [
        ("   ", "", "Give the action a short title"),
        ("x" * 301, "", "The title is 301 characters; keep it to 300."),
        ("Refund", "y" * 3001, "The draft is 3001 characters; keep it to 3000."),
    ],
)
async def test_propose_refuses_bad_wording(
    db: SessionFactory, clock: FakeClock, incident_id: int, title: str, details: str, message: str
) -> None:
    with pytest.raises(BadCommand, match=message):
        await propose(db, clock, incident_id, title=title, details=details)


async def test_propose_needs_a_real_incident(db: SessionFactory, clock: FakeClock) -> None:
    with pytest.raises(NotFound, match="INC-999"):
        await propose(db, clock, 999)


async def test_all_required_roles_approving_approves(
    db: SessionFactory, clock: FakeClock, incident_id: int
) -> None:
    action = await propose(db, clock, incident_id)
    first = await decide(db, clock, action.id or 0, Role.LEGAL)
    assert first.action.state == ActionState.PENDING and not first.outcome_changed
    assert first.approval.state == DecisionState.APPROVED and first.approval.decided_by == DAVID
    clock.advance(timedelta(minutes=3))
    second = await decide(db, clock, action.id or 0, Role.EXEC, by=ROBERT)
    assert second.action.state == ActionState.APPROVED and second.outcome_changed
    assert second.approval.decided_at == clock.now()
    async with db() as session:
        entries = [e for e in await trail(session) if e.action == "action.decide"]
    assert [(e.actor, e.detail["role"], e.detail["state"]) for e in entries] == [
        (DAVID, "legal", "pending"),
        (ROBERT, "exec", "approved"),
    ]


async def test_a_rejection_rejects_and_needs_a_reason(
    db: SessionFactory, clock: FakeClock, incident_id: int
) -> None:
    action = await propose(db, clock, incident_id)
    with pytest.raises(BadCommand, match="reason is required to reject"):
        await decide(db, clock, action.id or 0, Role.LEGAL, Decision.REJECT, reason="  ")
    result = await decide(
        db, clock, action.id or 0, Role.LEGAL, Decision.REJECT, reason="Admits liability"
    )
    assert result.action.state == ActionState.REJECTED and result.outcome_changed
    assert result.approval.reason == "Admits liability"
    with pytest.raises(AlreadyDecided, match="already rejected by Legal") as caught:
        await decide(db, clock, action.id or 0, Role.EXEC, by=ROBERT)
    assert (caught.value.by, caught.value.role, caught.value.state) == (
        DAVID,
        Role.LEGAL,
        "rejected",
    )


async def test_who_may_decide(db: SessionFactory, clock: FakeClock, incident_id: int) -> None:
    action = await propose(db, clock, incident_id)
    with pytest.raises(NotAuthorized, match=r"^Only legal or exec can approve this\.$"):
        await decide(db, clock, action.id or 0, Role.MARKETING, by=LISA)
    with pytest.raises(NotAuthorized, match=r"^Only legal or exec can request changes on this\.$"):
        await decide(
            db,
            clock,
            action.id or 0,
            Role.LEGAL,
            Decision.REQUEST_CHANGES,
            by=LISA,
            by_roles={Role.MARKETING},
            reason="Tone",
        )
    with pytest.raises(NotAuthorized, match="That button is for legal; you can decide as exec"):
        await decide(db, clock, action.id or 0, Role.LEGAL, by=ROBERT, by_roles={Role.EXEC})


async def test_late_clicks_say_who_decided_and_when(
    db: SessionFactory, clock: FakeClock, incident_id: int
) -> None:
    action = await propose(db, clock, incident_id)
    decided_at = clock.now()
    await decide(db, clock, action.id or 0, Role.LEGAL)
    clock.advance(timedelta(minutes=1))
    with pytest.raises(AlreadyDecided) as caught:
        await decide(db, clock, action.id or 0, Role.LEGAL, by="U0OTHER")
    error = caught.value
    assert error_line(error) == f"Legal already approved this: <@{DAVID}> at 2026-11-21 14:00 UTC."
    assert (error.role, error.by, error.at, error.state) == (
        Role.LEGAL,
        DAVID,
        decided_at,
        "approved",
    )
    with pytest.raises(AlreadyDecided, match=r"revision 0 of A-\d+; .*\(now revision 1\)"):
        await decide(db, clock, action.id or 0, Role.EXEC, revision=0)
    with pytest.raises(NotFound, match="A-999"):
        await decide(db, clock, 999, Role.EXEC)


async def test_changes_requested_then_revised_asks_everyone_again(
    db: SessionFactory, clock: FakeClock, incident_id: int
) -> None:
    action = await propose(db, clock, incident_id)
    action_id = action.id or 0
    await decide(db, clock, action_id, Role.EXEC, by=ROBERT)
    result = await decide(
        db, clock, action_id, Role.LEGAL, Decision.REQUEST_CHANGES, reason="Drop 'our fault'"
    )
    assert result.action.state == ActionState.CHANGES_REQUESTED
    with pytest.raises(AlreadyDecided, match="waiting for a revision"):
        await decide(db, clock, action_id, Role.EXEC, by=ROBERT)
    with pytest.raises(NotAuthorized, match="Only the proposer or the owner"):
        await revise(db, clock, action_id, by=DAVID)
    revised = await revise(db, clock, action_id, by=ROBERT)
    assert revised.revision == 2 and revised.state == ActionState.PENDING
    async with db() as session:
        card = await approvals.card(session, action_id)
        entries = [e for e in await trail(session) if e.action == "action.revise"]
    assert [(a.role, a.state, a.revision) for a in card.approvals] == [
        (Role.LEGAL, DecisionState.PENDING, 2),
        (Role.EXEC, DecisionState.PENDING, 2),
    ]
    assert card.revisions == 2 and card.action.details == "We are sorry. We will do better."
    assert entries[0].detail["old_details"] == "We are sorry for how we treated a customer."
    with pytest.raises(AlreadyDecided, match="That was revision 1"):
        await decide(db, clock, action_id, Role.EXEC, by=ROBERT, revision=1)
    with pytest.raises(BadCommand, match="Nothing changed"):
        await revise(db, clock, action_id, by=MARIA)
    with pytest.raises(AlreadyDecided, match="That was revision 1"):
        await revise(db, clock, action_id, by=MARIA, details="Third try", expected_revision=1)


async def revise(
    db: SessionFactory,
    clock: FakeClock,
    action_id: int,
    *,
    by: str,
    details: str = "We are sorry. We will do better.",
    expected_revision: int | None = None,
) -> approvals.Action:
    async with db.begin() as session:
        return await approvals.revise(
            session,
            action_id=action_id,
            title="CEO apology video",
            details=details,
            by=by,
            at=clock.now(),
            expected_revision=expected_revision,
            policy=DEFAULT_POLICY,
        )


async def test_mark_done_only_when_approved_and_by_owner_or_lead(
    db: SessionFactory, clock: FakeClock, incident_id: int
) -> None:
    action = await propose(db, clock, incident_id, category=Category.PAID_MEDIA, owner=LISA)
    action_id = action.id or 0
    with pytest.raises(BadCommand, match="only approved actions can be marked done"):
        await done(db, clock, action_id, by=LISA, by_roles=set())
    await decide(db, clock, action_id, Role.MARKETING, by=LISA)
    with pytest.raises(NotAuthorized, match="Only its owner or an incident lead"):
        await done(db, clock, action_id, by=DAVID, by_roles={Role.LEGAL})
    finished = await done(db, clock, action_id, by=MARIA, by_roles={Role.LEAD}, note=" paused ")
    assert finished.state == ActionState.DONE
    assert (finished.done_by, finished.done_at, finished.done_note) == (
        MARIA,
        clock.now(),
        "paused",
    )
    with pytest.raises(AlreadyDecided, match="already done"):
        await done(db, clock, action_id, by=LISA, by_roles=set())
    async with db() as session:
        counts = await approvals.counts(session, incident_id)
        entry = (await trail(session))[-1]
    assert counts[ActionState.DONE] == 1 and counts[ActionState.PENDING] == 0
    assert (entry.action, entry.actor, entry.detail["note"]) == ("action.done", MARIA, "paused")


async def done(
    db: SessionFactory,
    clock: FakeClock,
    action_id: int,
    *,
    by: str,
    by_roles: set[Role],
    note: str | None = None,
) -> approvals.Action:
    async with db.begin() as session:
        return await approvals.mark_done(
            session, action_id=action_id, by=by, by_roles=by_roles, note=note, at=clock.now()
        )


async def test_lists_counts_copies_and_pending_work(
    db: SessionFactory, clock: FakeClock, incident_id: int
) -> None:
    statement = await propose(db, clock, incident_id)
    ads = await propose(db, clock, incident_id, category=Category.PAID_MEDIA, title="Pause ads")
    await decide(db, clock, statement.id or 0, Role.LEGAL)
    async with db.begin() as session:
        await approvals.add_copy(
            session, action_id=ads.id or 0, channel_id="C0WAR", ts="1.1", kind="channel"
        )
        again = await approvals.add_copy(
            session, action_id=ads.id or 0, channel_id="C0WAR", ts="1.1", kind="channel"
        )
        await approvals.add_copy(session, ads.id or 0, "D0LISA", "2.2", CopyKind.DM)
    async with db() as session:
        listed = await approvals.list_actions(session, incident_id)
        copies = await approvals.copies(session, ads.id or 0)
        waiting = await approvals.pending_for_roles(session, {Role.LEGAL, Role.MARKETING})
        counts = await approvals.counts(session, incident_id)
    assert [a.title for a in listed] == ["CEO apology video", "Pause ads"]
    assert [(c.channel_id, c.kind) for c in copies] == [("C0WAR", "channel"), ("D0LISA", "dm")]
    assert again.id == copies[0].id
    assert [(p.action.title, p.approval.role) for p in waiting] == [("Pause ads", Role.MARKETING)]
    assert waiting[0].incident_channel_id == "C0WAR"
    assert counts[ActionState.PENDING] == 2 and set(counts) == set(ActionState)
    assert DEFAULT_POLICY.required_roles(Category.PAID_MEDIA) == (Role.MARKETING,)
