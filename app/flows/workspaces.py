"""At start: rows written before rows had a team join the installed workspace (issue 16)."""

from __future__ import annotations

import logging

from app.flows.claimed_delivery import system_actor
from app.flows.deps import Deps
from app.slack.teams import installed_team
from app.workspaces.adoption import adopt_teamless

logger = logging.getLogger(__name__)


async def adopt_teamless_rows(deps: Deps) -> dict[str, int]:
    """Every row without a team becomes the installed workspace's, in one transaction (after
    auth.test named it); how many rows each table adopted."""
    team = installed_team(deps.slack)
    if not team.team_id:  # auth.test named no team: nothing to adopt into
        logger.warning("auth.test gave no team id: rows without a team stay so")
        return {}
    async with deps.db.begin() as session:
        adopted = await adopt_teamless(
            session, team=team, by=system_actor(deps), at=deps.clock.now()
        )
    if adopted:
        logger.info("rows without a team adopted into %s: %s", team.team_id, adopted)
    return adopted
