"""The pure rules of approvals: valid wording and reasons, who may decide, the outcome."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set

from app.approvals.models import (
    DETAILS_MAX,
    NOTE_MAX,
    REASON_MAX,
    TITLE_MAX,
    Action,
    ActionRevision,
    ActionState,
    Approval,
    Decision,
    DecisionState,
)
from app.approvals.wording import anyone_of
from app.errors import BadCommand, NotAuthorized
from app.roles.models import Role


def authorize_decision(
    approvals: list[Approval], *, role: Role, by_roles: Set[Role], decision: Decision
) -> None:
    required = [approval.role for approval in approvals]
    if role in required and role in by_roles:
        return
    held = [r for r in required if r in by_roles]
    if role in required and held:
        names = anyone_of(held)
        raise NotAuthorized(f"That button is for {role.value}; you can decide as {names}.")
    raise NotAuthorized(f"Only {anyone_of(required)} can {decision.verb} this.")


def authors_of(action: Action, revisions: Iterable[ActionRevision]) -> frozenset[str]:
    """Who wrote the action's words: its proposer and everyone who wrote one of its revisions."""
    return frozenset({action.proposer, *(revision.by for revision in revisions)})


def check_four_eyes(
    action: Action, *, authors: Set[str], by: str, decision: Decision, allowed: bool
) -> None:
    """Nobody decides on words they wrote, unless the policy allows it for the category.

    Every decision counts, not only Approve: a decision is recorded as the role's review, and
    an author who wants other words can revise them instead.
    """
    if allowed or by not in authors:
        return
    did = "proposed" if by == action.proposer else "revised"
    raise NotAuthorized(
        f"You {did} {action.ref}; someone else must {decision.verb} it (four-eyes rule)."
    )


def outcome(approvals: list[Approval]) -> ActionState:
    states = {approval.state for approval in approvals}
    if DecisionState.REJECTED in states:
        return ActionState.REJECTED
    if DecisionState.CHANGES_REQUESTED in states:
        return ActionState.CHANGES_REQUESTED
    if states == {DecisionState.APPROVED}:
        return ActionState.APPROVED
    return ActionState.PENDING


def checked_wording(title: str, details: str) -> tuple[str, str]:
    title, details = (title or "").strip(), (details or "").strip()
    if not title:
        raise BadCommand("Give the action a short title, such as “Pause paid social”.")
    if len(title) > TITLE_MAX:
        raise BadCommand(f"The title is {len(title)} characters; keep it to {TITLE_MAX}.")
    if len(details) > DETAILS_MAX:
        raise BadCommand(f"The draft is {len(details)} characters; keep it to {DETAILS_MAX}.")
    return title, details


def checked_reason(reason: str | None, decision: Decision) -> str | None:
    reason = (reason or "").strip()
    if decision.needs_reason and not reason:
        raise BadCommand(f"Say why: a reason is required to {decision.verb} an action.")
    if len(reason) > REASON_MAX:
        raise BadCommand(f"The reason is {len(reason)} characters; keep it to {REASON_MAX}.")
    return reason or None


def checked_note(note: str | None) -> str | None:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise BadCommand(f"The note is {len(note)} characters; keep it to {NOTE_MAX}.")
    return note or None


def check_revisable(action: Action, *, by: str) -> None:
    """Wording can change before the outcome (pending or changes requested), by its people."""
    if action.state not in (ActionState.PENDING, ActionState.CHANGES_REQUESTED):
        state = action.state.label.lower()
        raise BadCommand(f"{action.ref} is {state}; propose a new action instead of revising it.")
    if by not in {action.proposer, action.owner}:
        raise NotAuthorized(f"Only the proposer or the owner can revise {action.ref}.")


def check_finishable(action: Action, *, by: str, by_roles: Set[Role]) -> None:
    """Only an approved action can be marked done, by its owner or an incident lead."""
    if action.state != ActionState.APPROVED:
        state = action.state.label.lower()
        raise BadCommand(f"{action.ref} is {state}; only approved actions can be marked done.")
    if by != action.owner and Role.LEAD not in by_roles:
        who = "its owner or an incident lead" if action.owner else "an incident lead"
        raise NotAuthorized(f"Only {who} can mark {action.ref} done.")


def held_by(holders: Mapping[Role, Sequence[str]], user_id: str) -> set[Role]:
    """The roles `user_id` holds."""
    return {role for role, users in holders.items() if user_id in users}
