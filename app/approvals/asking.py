"""Asking roles to decide: each revision's wording kept, one pending approval per role."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals import variants as audience_variants
from app.approvals.models import Action, ActionRevision, Approval
from app.roles.models import Role


def ask(
    session: AsyncSession,
    action: Action,
    roles: Sequence[Role],
    *,
    by: str,
    at: datetime,
    respond: timedelta,
    variants: audience_variants.Variants | None = None,
) -> None:
    """Keep the action's current wording as a revision and ask each role to decide on it
    within `respond` (app/approvals/deadlines.py: reminders when it has waited that long).
    The revision's `variants` per audience are kept with it: approval covers the set."""
    assert action.id is not None
    session.add(
        ActionRevision(
            action_id=action.id,
            revision=action.revision,
            title=action.title,
            details=action.details,
            by=by,
            at=at,
        )
    )
    audience_variants.keep(session, action, variants or {})
    session.add_all(
        Approval(
            action_id=action.id,
            revision=action.revision,
            role=role,
            due_at=at + respond,
            next_reminder_at=at + respond,
        )
        for role in roles
    )
