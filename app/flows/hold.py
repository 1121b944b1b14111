"""`/crisis hold [reason]` and `/crisis release`: Legal keeps a war room's record from being
purged or archived, and lets it go again. Both are audited (so in the record), posted in the
war room, and shown on the brief and the Home tab."""

from __future__ import annotations

from typing import Any

from app.errors import NotAuthorized
from app.flows.deps import Deps
from app.flows.incidents import incident_here, refresh_brief
from app.incidents import hold
from app.incidents.models import Incident
from app.roles import service as roles
from app.roles.models import Role
from app.slack.blocks.text import mentions, safe, when
from app.slack.commands.grammar import Hold, Release
from app.slack.reply import Replier
from app.slack.teams import team_of


async def hold_here(deps: Deps, parsed: Hold, command: dict[str, Any], _reply: Replier) -> None:
    user = command["user_id"]
    incident = await incident_here(deps, command["channel_id"], user_id=user)
    await ensure_legal(deps, user, incident)
    async with deps.db.begin() as session:
        incident, placed = await hold.place(
            session,
            incident_id=incident.id or 0,
            reason=parsed.reason,
            by=user,
            at=deps.clock.now(),
        )
    why = f": {safe(placed.reason, 2000)}" if placed.reason else ""
    text = (
        f":scales: <@{user}> put {incident.ref} on legal hold{why}. Its record is never purged "
        "and the war room cannot be archived until Legal types `/crisis release`."
    )
    await deps.slack.post(incident.channel_id, text=text)
    await refresh_brief(deps, incident.id or 0)
    deps.home.touch()


async def release_here(
    deps: Deps, _parsed: Release, command: dict[str, Any], _reply: Replier
) -> None:
    user = command["user_id"]
    incident = await incident_here(deps, command["channel_id"], user_id=user)
    await ensure_legal(deps, user, incident)
    async with deps.db.begin() as session:
        incident, released = await hold.release(
            session, incident_id=incident.id or 0, by=user, at=deps.clock.now()
        )
    text = (
        f":unlock: <@{user}> released the legal hold on {incident.ref} (placed by "
        f"<@{released.held_by}> {when(released.held_at)}). Retention and archiving apply again."
    )
    await deps.slack.post(incident.channel_id, text=text)
    await refresh_brief(deps, incident.id or 0)
    deps.home.touch()


async def ensure_legal(deps: Deps, user_id: str, incident: Incident) -> None:
    async with deps.db() as session:
        team = team_of(incident, deps.slack)
        legal = (await roles.holders(session, team=team))[Role.LEGAL]
    if user_id not in legal:
        raise NotAuthorized(
            "Only Legal can place or release a legal hold. Ask "
            f"{mentions(legal, empty='an admin to name someone in the legal role')}.",
            mrkdwn=True,
        )
