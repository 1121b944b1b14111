"""Approving or rejecting a library version: one transaction, then every copy of its card."""

from __future__ import annotations

import logging

from app.approvals.models import Decision
from app.approvals.rules import held_by
from app.errors import SlackFailure
from app.flows.deps import Deps
from app.library import queries, rules, service
from app.library.forms import RejectForm
from app.roles import service as roles
from app.roles.models import Role
from app.slack.blocks.library_card import card_text, outcome_line, version_card
from app.slack.blocks.library_modals import reason_modal

log = logging.getLogger(__name__)


async def decide(
    deps: Deps,
    version_id: int,
    role: Role,
    decision: Decision,
    *,
    by: str,
    reason: str | None = None,
) -> None:
    async with deps.card_locks(("library", version_id)):
        async with deps.db.begin() as session:
            decided = await service.decide(
                session,
                version_id=version_id,
                role=role,
                decision=decision,
                by=by,
                reason=reason,
                at=deps.clock.now(),
                policy=deps.policy,
            )
            card = await queries.version_card(session, version_id)
            copies = await queries.cards(session, version_id)
        text, blocks = card_text(card), version_card(card, policy=deps.policy)
        for copy in copies:
            try:
                await deps.slack.update(copy.channel_id, copy.ts, text=text, blocks=blocks)
            except SlackFailure as failure:
                log.warning("library card %s not updated: %s", copy.ts, failure.error)
    if decided.settled:
        await deps.slack.post(card.version.proposed_by, text=outcome_line(card))


async def open_reject_form(
    deps: Deps, version_id: int, role: Role, *, trigger_id: str, by: str
) -> None:
    """Ask why, after checking the version still takes this role's decision from `by`."""
    async with deps.db() as session:
        card = await queries.version_card(session, version_id)
        rules.check_decidable(
            card.version,
            card.approvals,
            role=role,
            by=by,
            by_roles=held_by(await roles.holders(session), by),
            decision=Decision.REJECT,
            self_approval=deps.policy.allows_self_approval(service.CATEGORY),
        )
    about = f"Reject v{card.version.version} of “{card.entry.key}” as {role.label}."
    view = reason_modal(version_id=version_id, role=role, about=about)
    await deps.slack.open_view(trigger_id, view)


async def reject(deps: Deps, form: RejectForm, *, by: str) -> None:
    await decide(deps, form.version_id, form.role, Decision.REJECT, by=by, reason=form.reason)
