"""Finding out who someone is for the visibility rule: admin status and war-room membership.

Membership is asked of Slack at the moment it matters (nothing cached across requests), so a
person removed from a war room stops seeing it at once.
"""

from __future__ import annotations

from app.errors import NotFound
from app.flows.deps import Deps
from app.incidents import service as incidents
from app.incidents.models import Incident
from app.incidents.visibility import NOT_VISIBLE, AdminScope, Viewer


async def is_admin(deps: Deps, user_id: str) -> bool:
    """An admin here: of the workspace the bot is installed in, or of its Grid org."""
    return await admin_scope(deps, user_id) is not None


async def admin_scope(deps: Deps, user_id: str) -> AdminScope | None:
    """What this person oversees as an admin (None: not an admin here). Workspace admins and
    owners (users.info) oversee their workspace; Grid org admins and owners the org; the ids
    listed in CRISIS_ADMINS their own workspace. An admin of a Slack Connect partner's
    workspace (another organisation) is an admin there, not here."""
    ours, our_org = deps.slack.team_id or None, deps.slack.enterprise_id
    if user_id in deps.settings.crisis_admins:  # (the operators: no Slack call)
        return AdminScope(ours, our_org, org=our_org is not None)
    user = await deps.slack.user(user_id)
    if user is None:
        return None
    team, org = user.team_id or ours, user.enterprise_id
    if ours and team != ours and not (org and org == our_org):
        return None  # (Slack Connect: an admin of another organisation)
    if user.org_admin and org:
        return AdminScope(team, org, org=True)
    return AdminScope(team, org) if (user.is_admin or user.is_owner) else None


async def viewer(deps: Deps, user_id: str) -> Viewer:
    """Everything the rule needs to filter lists for this person (one or two Slack calls)."""
    admin = await admin_scope(deps, user_id)
    rooms = frozenset() if admin else frozenset(await deps.slack.private_channels_of(user_id))
    return Viewer(user_id=user_id, admin=admin, rooms=rooms)


async def may_see(deps: Deps, user_id: str, incident: Incident) -> bool:
    """One incident: is this person in its war room (or an admin over its workspace)?"""
    if user_id in await deps.slack.channel_members(incident.channel_id):
        return True
    admin = await admin_scope(deps, user_id)
    return admin is not None and admin.covers(incident)


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
