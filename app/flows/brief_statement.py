"""The brief's "Use a holding statement": the library's approved statements (the incident's kind
first), then, for the one picked, the same fill-in form as `/crisis propose --from-library`
(its submission is the library's own: app/flows/library_use.py proposes the action).

Only people who may see the war room get either: checked at the click and again at the pick.
"""

from __future__ import annotations

from app.flows import approvals as approval_flows
from app.flows.access import ensure_incident_visible
from app.flows.deps import Deps
from app.library import queries
from app.library.placeholders import names
from app.slack.blocks.library_modals import use_modal
from app.slack.blocks.statement_picker import approved_first_for, picker_modal
from app.slack.teams import team_of


async def open_picker(deps: Deps, incident_id: int, *, trigger_id: str, by: str) -> None:
    incident = await ensure_incident_visible(deps, incident_id, by)
    await approval_flows.ensure_proposable(deps, incident)
    async with deps.db() as session:
        listed = await queries.listed(session, team=team_of(incident, deps.slack))
    statements = approved_first_for(listed, incident.crisis_kind)
    view = picker_modal(incident_id=incident_id, statements=statements)
    await deps.slack.open_view(trigger_id, view)


async def pick(deps: Deps, incident_id: int, key: str, *, view_id: str, by: str) -> None:
    """The picker becomes the fill-in form for the latest approved words of `key`."""
    incident = await ensure_incident_visible(deps, incident_id, by)
    await approval_flows.ensure_proposable(deps, incident)
    async with deps.db() as session:
        _, version, _ = await queries.usable(session, key, team=team_of(incident, deps.slack))
    view = use_modal(
        incident_id=incident_id,
        version_id=version.id or 0,
        title=version.title,
        text=version.text,
        placeholders=names(version.title, version.text),
    )
    await deps.slack.update_view(view_id, view)
