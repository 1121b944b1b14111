"""When someone loses a role, the card copies in their DM stop showing the draft and stop
being updated: forgotten by the outbox (in the transaction that retires them), then rewritten
once to say so (the Home inbox follows the roles)."""

from __future__ import annotations

import logging

from app.approvals import queries
from app.errors import SlackFailure
from app.flows.deps import Deps
from app.outbox import service as outbox
from app.roles import service as roles
from app.roles.models import Role
from app.store.workspace import Workspace

logger = logging.getLogger(__name__)


def retired_text(ref: str, role: Role) -> str:
    return f"*{ref}* · You no longer hold *{role.value}*; this card is no longer updated here."


async def retire_copies(deps: Deps, *, user_id: str, role: Role, team: Workspace) -> int:
    """Rewrite and forget `user_id`'s DM copies of cards they no longer have a part in (the
    roles they still hold in `team`'s workspace, where they lost `role`)."""
    dm = await deps.slack.dm_channel(user_id)
    async with deps.db.begin() as session:
        holders = await roles.holders(session, team=team)
        held = {r for r, users in holders.items() if user_id in users}
        retired = await queries.retire_dm_copies(
            session, channel_id=dm, keep_for=user_id, roles_held=held, team=team
        )
        for copy, _ in retired:
            await outbox.forget_copy(session, channel_id=copy.channel_id, ts=copy.ts)
    for copy, ref in retired:  # (a worker may hold one: it finds the copy gone next time)
        try:
            await deps.slack.update(copy.channel_id, copy.ts, text=retired_text(ref, role))
        except SlackFailure as failure:
            logger.warning("could not retire card copy %s: %s", copy.ts, failure.error)
    deps.home.touch([user_id])
    return len(retired)
