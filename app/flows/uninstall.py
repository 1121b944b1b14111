"""Slack stopped the bot in its workspace: the app was uninstalled, or its bot token revoked.

The token is dead, so the gateway stops using it (every call fails fast, saying why, and
`/healthz` reports it) and the legal record says so: one audit entry, which the record hook
appends to every open incident's record. The records themselves are kept; a war room's record
stops at that entry, and an export made later shows why nothing follows it. A retried delivery
of the same news writes nothing more.
"""

from __future__ import annotations

import logging

from app.audit.service import audit
from app.flows.deps import Deps

logger = logging.getLogger(__name__)

ACTOR = "slack"  # (not a person: Slack itself told us)
ACTIONS = {"app_uninstalled": "workspace.uninstalled", "tokens_revoked": "workspace.token_revoked"}


async def stopped_by_slack(deps: Deps, *, event_type: str, reason: str) -> bool:
    """Stop using the token and record why; False if it was already stopped (told before)."""
    if deps.slack.stopped is not None:
        return False
    deps.slack.stop_using_token(f"{reason}; reinstall the app and restart with the new token")
    logger.error("%s: the bot no longer calls Slack; /healthz reports it", reason)
    async with deps.db.begin() as session:
        audit(
            session,
            at=deps.clock.now(),
            actor=ACTOR,
            action=ACTIONS[event_type],
            team_id=deps.slack.team_id or None,
            enterprise_id=deps.slack.enterprise_id,
            reason=reason,
        )
    return True
