"""The statement library: list and show, add or change a statement, post its approval cards.

Library versions are not tied to an incident, so their approval rows and cards are their own
(app/library/): the card goes to every holder of the roles the policy names for a public
statement, to the author, and to CRISIS_LIBRARY_CHANNEL when set, through the outbox
(app/flows/library_cards.py).
"""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from app.approvals.rules import held_by
from app.flows import library_cards, outbox_worker
from app.flows.deps import Deps
from app.library import queries, rules, service
from app.library.service import CATEGORY, Draft
from app.outbox.models import OutboxKind
from app.roles import service as roles
from app.slack.blocks.library_list import list_blocks, show_blocks
from app.slack.blocks.library_modals import entry_modal
from app.slack.blocks.text import escape
from app.slack.teams import installed_team
from app.store.workspace import Workspace


async def listing(deps: Deps, *, team: Workspace) -> tuple[str, list[Block]]:
    """`team`'s library (the request's workspace)."""
    async with deps.db() as session:
        listed = await queries.listed(session, team=team)
    return f"{len(listed)} statement(s) in the library", list_blocks(listed)


async def showing(deps: Deps, key: str, *, team: Workspace) -> tuple[str, list[Block]]:
    async with deps.db() as session:
        entry = await queries.require_entry(session, key, team=team)
        found = await queries.versions(session, entry.id or 0)
        versions = [(v, await queries.approvals_of(session, v.id or 0)) for v in found]
    return f"Library statement {escape(entry.key)}", show_blocks(entry, versions)


async def open_entry_form(
    deps: Deps, *, key: str | None, trigger_id: str, by: str, team: Workspace
) -> None:
    """The add form (no key) or the change form of `team`'s entry, prefilled with the newest
    words (for `team`'s managers)."""
    async with deps.db() as session:
        rules.check_manager(held_by(await roles.holders(session, team=team), by))
        if key is None:
            view = entry_modal()
        else:
            entry = await queries.require_entry(session, key, team=team)
            newest = (await queries.versions(session, entry.id or 0))[-1]
            view = entry_modal(key=entry.key, title=newest.title, text=newest.text)
    await deps.slack.open_view(trigger_id, view)


async def submit_entry(deps: Deps, draft: Draft, *, by: str, team: Workspace | None = None) -> None:
    """A new version of `team`'s entry (None: the installed workspace's) in one transaction
    (the manager's roles read in it), with a copy of its card owed to each of the workspace's
    approvers, the author and the library channel; then the outbox posts them
    (app/flows/library_cards.py)."""
    team = team or installed_team(deps.slack)
    async with deps.db.begin() as session:
        holders = await roles.holders(session, team=team)
        now = deps.clock.now()
        version = await service.propose(
            session,
            draft,
            by=by,
            by_roles=held_by(holders, by),
            at=now,
            policy=deps.policy,
            team=team,
        )
        approvers = [u for role in deps.policy.required_roles(CATEGORY) for u in holders[role]]
        targets = [*approvers, by]
        if deps.settings.library_channel:
            targets.append(deps.settings.library_channel)
        await library_cards.want_copies(session, version.id or 0, targets, now=now, team=team)
    await outbox_worker.kick(deps, OutboxKind.LIBRARY_CARD, subject_id=version.id or 0)
