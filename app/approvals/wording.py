"""The words people read when a decision arrives too late (plain text; who and when are data)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from app.approvals.errors import AlreadyDecided, DecidedBy
from app.approvals.models import Action, ActionState, Approval, Decision, DecisionState
from app.roles.models import Role

PAST: dict[DecisionState, str] = {decision.result: decision.past for decision in Decision}


def anyone_of(roles: Sequence[Role]) -> str:
    """`legal`, `legal or exec`, `legal, exec or marketing`."""
    names = [Role(role).value for role in roles]
    if len(names) <= 1:
        return "".join(names) or "nobody"
    return ", ".join(names[:-1]) + " or " + names[-1]


def already_decided(approval: Approval) -> AlreadyDecided:
    role = approval.role
    state = approval.state
    verb = PAST.get(state, "decided on")
    return DecidedBy(
        f"{role.label} already {verb} this:",
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
    state = action.state
    if state == ActionState.DONE:
        return DecidedBy(
            f"{action.ref} is already done: marked by",
            state=state.value,
            by=action.done_by,
            at=action.done_at,
        )
    decisive = _decisive(state, approvals)
    if decisive is None:
        return AlreadyDecided(f"{action.ref} was already {state.label.lower()}.", state=state.value)
    role = decisive.role
    words = {
        ActionState.APPROVED: "was already approved; the last approval came from",
        ActionState.REJECTED: "was already rejected by",
        ActionState.CHANGES_REQUESTED: "is waiting for a revision: changes were requested by",
    }[state]
    return DecidedBy(
        f"{action.ref} {words} {role.label},",
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
