"""Finding out who someone is for the visibility rule: admin status and war-room membership.

Membership is asked of Slack at the moment it matters (nothing cached across requests), so a
person removed from a war room stops seeing it at once.
"""

from __future__ import annotations

from app.errors import NotFound
from app.flows.deps import Deps
from app.incidents import service as incidents
from app.incidents.models import Incident
from app.incidents.visibility import NOT_VISIBLE, Viewer


async def is_admin(deps: Deps, user_id: str) -> bool:
    """Workspace admins and owners (users.info), and the ids listed in CRISIS_ADMINS. An admin
    of a Slack Connect partner's workspace is an admin there, not here: only people of the
    workspace the bot is installed in count."""
    if user_id in deps.settings.crisis_admins:
        return True
    user = await deps.slack.user(user_id)
    if user is None or (user.team_id and deps.slack.team_id and user.team_id != deps.slack.team_id):
        return False
    return user.is_admin or user.is_owner


async def viewer(deps: Deps, user_id: str) -> Viewer:
    """Everything the rule needs to filter lists for this person (one or two Slack calls)."""
    admin = await is_admin(deps, user_id)
    rooms = frozenset() if admin else frozenset(await deps.slack.private_channels_of(user_id))
    return Viewer(user_id=user_id, is_admin=admin, rooms=rooms)


async def may_see(deps: Deps, user_id: str, incident: Incident) -> bool:
    """One incident: is this person in its war room (or an admin)?"""
    if user_id in await deps.slack.channel_members(incident.channel_id):
        return True
    return await is_admin(deps, user_id)


async def rooms_of(deps: Deps, user_id: str) -> frozenset[str] | None:
    """The war rooms this person may see, from Slack alone (None for an admin: all of them).
    The transaction that acts checks the incident's room is among them, so a click needs no
    database read before it."""
    if await is_admin(deps, user_id):
        return None
    return frozenset(await deps.slack.private_channels_of(user_id))


async def ensure_visible(deps: Deps, user_id: str, incident: Incident | None) -> Incident:
    """The incident, or the same refusal whether it exists or not: nothing is revealed."""
    if incident is None or not await may_see(deps, user_id, incident):
        raise NotFound(NOT_VISIBLE)
    return incident


async def ensure_incident_visible(deps: Deps, incident_id: int, user_id: str) -> Incident:
    """For ids that arrive in a form's metadata or a button's value."""
    async with deps.db() as session:
        incident = await incidents.get(session, incident_id)
    return await ensure_visible(deps, user_id, incident)
