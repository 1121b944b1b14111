"""The lines people read when a decision arrives too late."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from app.approvals.errors import AlreadyDecided
from app.approvals.models import Action, ActionState, Approval, DecisionState
from app.roles.models import Role

PAST = {
    DecisionState.APPROVED: "approved",
    DecisionState.CHANGES_REQUESTED: "requested changes on",
    DecisionState.REJECTED: "rejected",
}


def anyone_of(roles: Sequence[Role]) -> str:
    """`legal`, `legal or exec`, `legal, exec or marketing`."""
    names = [Role(role).value for role in roles]
    if len(names) <= 1:
        return "".join(names) or "nobody"
    return ", ".join(names[:-1]) + " or " + names[-1]


def moment(at: datetime | None) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if at else "an unknown time"


def _by(who: str | None, at: datetime | None) -> str:
    return f"<@{who}> at {moment(at)}" if who else f"at {moment(at)}"


def already_decided(approval: Approval) -> AlreadyDecided:
    role = Role(approval.role)
    state = DecisionState(approval.state)
    verb = PAST.get(state, "decided on")
    return AlreadyDecided(
        f"{role.label} already {verb} this: {_by(approval.decided_by, approval.decided_at)}.",
        state=state.value,
        role=role,
        by=approval.decided_by,
        at=approval.decided_at,
    )


def stale_revision(action: Action, revision: int) -> AlreadyDecided:
    return AlreadyDecided(
        f"That was revision {revision} of {action.ref}; the wording has changed since "
        f"(now revision {action.revision}). Decide on the latest card.",
        state="stale",
    )


def not_pending(action: Action, approvals: Sequence[Approval]) -> AlreadyDecided:
    """Why an action no longer takes decisions, naming the decision that settled it."""
    state = ActionState(action.state)
    if state == ActionState.DONE:
        return AlreadyDecided(
            f"{action.ref} is already done: marked by {_by(action.done_by, action.done_at)}.",
            state=state.value,
            by=action.done_by,
            at=action.done_at,
        )
    decisive = _decisive(state, approvals)
    if decisive is None:
        return AlreadyDecided(f"{action.ref} was already {state.label.lower()}.", state=state.value)
    role = Role(decisive.role)
    words = {
        ActionState.APPROVED: "was already approved; the last approval came from",
        ActionState.REJECTED: "was already rejected by",
        ActionState.CHANGES_REQUESTED: "is waiting for a revision: changes were requested by",
    }[state]
    return AlreadyDecided(
        f"{action.ref} {words} {role.label}, {_by(decisive.decided_by, decisive.decided_at)}.",
        state=state.value,
        role=role,
        by=decisive.decided_by,
        at=decisive.decided_at,
    )


def _decisive(state: ActionState, approvals: Sequence[Approval]) -> Approval | None:
    wanted = {
        ActionState.APPROVED: DecisionState.APPROVED,
        ActionState.REJECTED: DecisionState.REJECTED,
        ActionState.CHANGES_REQUESTED: DecisionState.CHANGES_REQUESTED,
    }.get(state)
    matching = [a for a in approvals if a.state == wanted and a.decided_at is not None]
    return max(matching, key=lambda a: a.decided_at or datetime.min, default=None)
