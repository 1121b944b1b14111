"""Action cards built in memory, for the builder tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.approvals.models import Action, ActionState, Approval, DecisionState
from app.approvals.policy import Category
from app.approvals.queries import ActionCard
from app.roles.models import Role

AT = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)

Decided = tuple[Role, DecisionState, str | None, str | None]


def make_card(
    *roles: Role | Decided,
    state: ActionState = ActionState.PENDING,
    title: str = "CEO apology video",
    details: str = "We are sorry. It was our fault.",
    category: Category = Category.PUBLIC_STATEMENT,
    revision: int = 1,
    owner: str | None = "U0ROBERT",
) -> ActionCard:
    action = Action(
        id=12,
        incident_id=3,
        title=title,
        details=details,
        category=category,
        proposer="U0MARIA",
        owner=owner,
        revision=revision,
        state=state,
        created_at=AT,
        updated_at=AT + timedelta(minutes=5),
    )
    approvals = []
    for entry in roles or (Role.LEGAL, Role.EXEC):
        role, decision, by, reason = (
            entry if isinstance(entry, tuple) else (entry, DecisionState.PENDING, None, None)
        )
        approvals.append(
            Approval(
                action_id=12,
                revision=revision,
                role=role,
                state=decision,
                decided_by=by,
                decided_at=AT + timedelta(minutes=2) if by else None,
                reason=reason,
            )
        )
    return ActionCard(
        action=action,
        approvals=tuple(approvals),
        revisions=revision,
        incident_ref="INC-3",
        incident_channel_id="C0WAR",
        incident_title="Video going viral",
    )
