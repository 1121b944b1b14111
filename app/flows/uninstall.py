"""Slack stopped the bot in its workspace: the app was uninstalled, or its bot token revoked.

The token is dead, so the gateway stops using it (every call fails fast, saying why, and
`/healthz` reports it; installed by OAuth, the workspace's installation is deleted and the
other workspaces go on) and the legal record says so: one audit entry, which the record hook
appends to every open incident's record of that workspace (or Grid org). The records themselves
are kept; a war room's record stops at that entry, and an export made later shows why nothing
follows it. A retried delivery of the same news writes nothing more.
"""

from __future__ import annotations

import logging

from app.audit.service import audit
from app.flows.deps import Deps
from app.store.workspace import Workspace

logger = logging.getLogger(__name__)

ACTOR = "slack"  # (not a person: Slack itself told us)
ACTIONS = {"app_uninstalled": "workspace.uninstalled", "tokens_revoked": "workspace.token_revoked"}


async def stopped_by_slack(
    deps: Deps, *, event_type: str, reason: str, team: Workspace, org_wide: bool = False
) -> bool:
    """Stop using the token of `team` (or, `org_wide`, of its Grid org's org-wide install) and
    record why; False if it was already stopped (told before)."""
    if not await deps.registry.uninstalled(team, org_wide=org_wide, reason=reason):
        return False
    logger.error("%s: the bot no longer calls Slack for that workspace", reason)
    async with deps.db.begin() as session:
        audit(
            session,
            at=deps.clock.now(),
            actor=ACTOR,
            action=ACTIONS[event_type],
            team_id=None if org_wide else team.team_id or None,
            enterprise_id=team.enterprise_id,
            reason=reason,
        )
    return True
