"""`/crisis export`: the incident lead and Legal export the war room's record into it."""

from __future__ import annotations

from typing import Any

from app.errors import NotAuthorized
from app.flows.deps import Deps
from app.flows.incidents import incident_here
from app.flows.record_export import export_to_channel
from app.incidents.models import Incident
from app.record.export.formats import LABELS
from app.roles import service as roles
from app.roles.models import Role
from app.slack.blocks.text import mentions
from app.slack.commands.grammar import Export
from app.slack.reply import Replier
from app.slack.teams import team_of

MAY_EXPORT = (Role.LEAD, Role.LEGAL)


async def export_here(deps: Deps, parsed: Export, command: dict[str, Any], reply: Replier) -> None:
    incident = await incident_here(deps, command["channel_id"], user_id=command["user_id"])
    assert incident.id is not None
    user = command["user_id"]
    await ensure_may_export(deps, user, incident)
    await reply.send(f"Exporting the legal record of {incident.ref} as {LABELS[parsed.fmt]}…")
    await export_to_channel(deps, incident.id, by=user, fmt=parsed.fmt)


async def ensure_may_export(deps: Deps, user_id: str, incident: Incident) -> None:
    async with deps.db() as session:
        holders = await roles.holders(session, team=team_of(incident, deps.slack))
    allowed = [person for role in MAY_EXPORT for person in holders[role]]
    if user_id not in allowed:
        raise NotAuthorized(
            "Only the incident lead and Legal can export the legal record. Ask "
            f"{mentions(list(dict.fromkeys(allowed)), empty='an admin to name a lead')}.",
            mrkdwn=True,
        )
