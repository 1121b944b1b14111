"""Changing standing roles: admins only, people only, and open war rooms kept in step."""

from __future__ import annotations

import logging

from app.errors import BadCommand, NotAuthorized, SlackFailure
from app.flows.access import is_admin
from app.flows.card_retire import retire_copies
from app.flows.deps import Deps
from app.flows.incidents import refresh_brief
from app.incidents import service as incidents
from app.incidents.models import Incident
from app.roles import service as roles
from app.roles.models import Role
from app.slack.blocks.text import mentions
from app.slack.commands.grammar import RoleAdd, RoleRemove
from app.slack.teams import installed_team, team_of
from app.store.workspace import Workspace

logger = logging.getLogger(__name__)

STAY_IN_ROOMS = (
    " They no longer receive its approval cards, but they stay in the open war rooms:"
    " whether they leave one is the lead's call (`/remove @person` there)."
)
ADMINS_ONLY = (
    "Only workspace admins and owners, or people listed in CRISIS_ADMINS, can change roles."
)


async def ensure_admin(deps: Deps, user_id: str) -> None:
    if not await is_admin(deps, user_id):
        raise NotAuthorized(ADMINS_ONLY)


async def ensure_people(deps: Deps, user_ids: tuple[str, ...]) -> None:
    for user_id in user_ids:
        user = await deps.slack.user(user_id)
        if user is None:
            raise BadCommand(f"`{user_id}` is not a person in this workspace.")
        if user.deleted:
            raise BadCommand(f"{user.display}'s account is deactivated; choose someone active.")
        if user.is_bot:
            raise BadCommand(f"{user.display} is a bot; roles are for people.")


async def change_roles(
    deps: Deps, command: RoleAdd | RoleRemove, *, by: str, team: Workspace | None = None
) -> str:
    """Add or remove holders in `team`'s workspace (the request's; None: the installed one):
    its holders only, its open war rooms only."""
    await ensure_admin(deps, by)
    now = deps.clock.now()
    team = team or installed_team(deps.slack)
    if isinstance(command, RoleAdd):
        await ensure_people(deps, command.users)
    async with deps.db.begin() as session:
        if isinstance(command, RoleAdd):
            changed = await roles.add(
                session,
                role=command.role,
                users=command.users,
                by=by,
                at=now,
                backup=command.backup,
                team=team,
            )
        else:
            changed = await roles.remove(
                session, role=command.role, users=command.users, by=by, at=now, team=team
            )
        active = [i for i in await incidents.active(session) if _of(deps, i, team)]
        current = (await roles.holders(session, team=team))[command.role]
        standby = (await roles.backups(session, team=team))[command.role]
    if isinstance(command, RoleAdd) and command.backup:  # asked (and invited) only on a stall
        return _backup_summary(command, changed, standby)
    if changed:
        await _sync_war_rooms(deps, active, changed if isinstance(command, RoleAdd) else [])
    if isinstance(command, RoleRemove):
        await _retire_cards(deps, changed, command.role, team)
    return _summary(command, changed, current)


def _of(deps: Deps, incident: Incident, team: Workspace) -> bool:
    return team_of(incident, deps.slack).team_id == team.team_id


async def _retire_cards(deps: Deps, removed: list[str], role: Role, team: Workspace) -> None:
    for user_id in removed:
        try:
            await retire_copies(deps, user_id=user_id, role=role, team=team)
        except SlackFailure as failure:
            logger.warning("could not retire the cards of a removed %s: %s", role, failure.error)


async def _sync_war_rooms(deps: Deps, active: list[Incident], added: list[str]) -> None:
    """New role holders join every open war room; each brief shows the new line-up."""
    for incident in active:
        try:
            await deps.slack.invite(incident.channel_id, added)
            await refresh_brief(deps, incident.id or 0)
        except SlackFailure:
            logger.warning("could not update war room %s after a role change", incident.ref)


def _backup_summary(command: RoleAdd, changed: list[str], standby: list[str]) -> str:
    role = command.role.value
    head = f"Added {mentions(changed)} as *{role}* backup." if changed else "Nobody new was added."
    unchanged = [u for u in command.users if u not in changed]
    note = f" {mentions(unchanged)} already held it or backed it up." if unchanged else ""
    ask = (
        " A backup is asked (and invited to the war room) only when an approval has waited"
        " twice its response time."
    )
    return f"{head}{note}{ask} *{role}* backups: {mentions(standby, empty='nobody')}."


def _summary(command: RoleAdd | RoleRemove, changed: list[str], current: list[str]) -> str:
    role = command.role.value
    unchanged = [u for u in command.users if u not in changed]
    if isinstance(command, RoleAdd):
        head = f"Added {mentions(changed)} to *{role}*." if changed else "Nobody new was added."
        note = f" {mentions(unchanged)} already held it." if unchanged else ""
    else:
        head = f"Removed {mentions(changed)} from *{role}*." if changed else "Nobody was removed."
        note = f" {mentions(unchanged)} did not hold it." if unchanged else ""
        if changed:
            note += STAY_IN_ROOMS
    return f"{head}{note} *{role}* is now held by {mentions(current, empty='nobody')}."
