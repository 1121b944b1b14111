"""Clicks and forms name an action by id: only people who may see its incident learn anything
about it (even whether it exists). Checked before any other rule answers."""

from __future__ import annotations

from app.approvals import queries
from app.flows.access import ensure_visible
from app.flows.deps import Deps
from app.incidents import service as incidents


async def ensure_action_visible(deps: Deps, action_id: int, user_id: str) -> None:
    async with deps.db() as session:
        action = await queries.get(session, action_id)
        incident = await incidents.get(session, action.incident_id) if action else None
    await ensure_visible(deps, user_id, incident)
