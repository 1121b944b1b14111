"""Approving or rejecting a library version: one transaction, then every copy of its card."""

from __future__ import annotations

from app.approvals.models import Decision
from app.approvals.rules import held_by
from app.flows import library_cards, outbox_worker
from app.flows.deps import Deps
from app.library import queries, rules, service
from app.library.forms import RejectForm
from app.outbox.models import OutboxKind
from app.roles import service as roles
from app.roles.models import Role
from app.slack.blocks.library_modals import reason_modal
from app.slack.teams import team_of


async def decide(
    deps: Deps,
    version_id: int,
    role: Role,
    decision: Decision,
    *,
    by: str,
    reason: str | None = None,
) -> None:
    """The decision, with every copy of the card wanting it (and the author's outcome DM
    owed once it settles the version), in one transaction; then the outbox brings Slack up to
    date (app/flows/library_cards.py)."""
    async with deps.db.begin() as session:
        now = deps.clock.now()
        decided = await service.decide(
            session,
            version_id=version_id,
            role=role,
            decision=decision,
            by=by,
            reason=reason,
            at=now,
            policy=deps.policy,
        )
        card = await queries.version_card(session, version_id)
        await library_cards.want_update(session, card, settled=decided.settled, now=now)
    await outbox_worker.kick(deps, OutboxKind.LIBRARY_CARD, subject_id=version_id)
    if decided.settled:
        await outbox_worker.kick(deps, OutboxKind.LIBRARY_OUTCOME, subject_id=version_id)


async def open_reject_form(
    deps: Deps, version_id: int, role: Role, *, trigger_id: str, by: str
) -> None:
    """Ask why, after checking the version still takes this role's decision from `by`."""
    async with deps.db() as session:
        card = await queries.version_card(session, version_id)
        team = team_of(card.entry, deps.slack)
        rules.check_decidable(
            card.version,
            card.approvals,
            role=role,
            by=by,
            by_roles=held_by(await roles.holders(session, team=team), by),
            decision=Decision.REJECT,
            self_approval=deps.policy.allows_self_approval(service.CATEGORY),
        )
    about = f"Reject v{card.version.version} of “{card.entry.key}” as {role.label}."
    view = reason_modal(version_id=version_id, role=role, about=about)
    await deps.slack.open_view(trigger_id, view)


async def reject(deps: Deps, form: RejectForm, *, by: str) -> None:
    await decide(deps, form.version_id, form.role, Decision.REJECT, by=by, reason=form.reason)
