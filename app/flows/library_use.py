"""Using a library statement in a war room: `/crisis propose --from-library <key>`.

The form shows the approved words, editable, and a field per placeholder. Filled in and left
as they were, the action needs only the lead's confirmation; any edit needs the full approval,
and the card shows the diff against the library version (app/slack/blocks/library_origin.py).
Audience variants may be added; the library approved only the main words, so a statement used
with any variant needs the full approval too.
"""

from __future__ import annotations

from app.approvals.forms import LibraryUse, ProposeForm
from app.approvals.models import Action
from app.approvals.variants import Audience
from app.errors import BadCommand, SlackFailure
from app.flows import approvals as approval_flows
from app.flows.deps import Deps
from app.flows.incidents import incident_here
from app.incidents.models import Incident
from app.library import queries
from app.library.forms import UseForm
from app.library.models import LibraryApproval, LibraryEntry, LibraryVersion, VersionState
from app.library.origin import Origin, PreApproval
from app.library.placeholders import fill, names
from app.library.service import CATEGORY
from app.slack.blocks.library_modals import use_modal
from app.slack.teams import installed_team, team_of


async def open_use_form(deps: Deps, *, key: str, channel_id: str, trigger_id: str, by: str) -> None:
    incident = await incident_here(deps, channel_id, user_id=by)
    assert incident.id is not None
    await approval_flows.ensure_proposable(deps, incident)
    async with deps.db() as session:
        _, version, _ = await queries.usable(session, key, team=team_of(incident, deps.slack))
    view = use_modal(
        incident_id=incident.id,
        version_id=version.id or 0,
        title=version.title,
        text=version.text,
        placeholders=names(version.title, version.text),
    )
    await deps.slack.open_view(trigger_id, view)


async def propose(deps: Deps, form: UseForm, *, by: str) -> Action:
    """The action, proposed by the approvals flow with where its words came from (a statement
    of the incident's workspace's library only)."""
    async with deps.db() as session:
        incident = await session.get(Incident, form.incident_id)
        team = team_of(incident, deps.slack) if incident else installed_team(deps.slack)
        version = await session.get(LibraryVersion, form.version_id)
        entry = await session.get(LibraryEntry, version.entry_id) if version else None
        if entry is not None and entry.team_id not in (team.team_id, None):
            entry = None  # another workspace's statement: as if it did not exist
        if version is None or entry is None or version.state != VersionState.APPROVED:
            raise BadCommand("That library version is not approved; it cannot be used.")
        approvals = await queries.approvals_of(session, form.version_id)
    values = form.values
    title, text = fill(form.title, values), fill(form.text, values)
    library_title, library_text = fill(version.title, values), fill(version.text, values)
    variants = {Audience(name): words for name, words in form.variants.items()}
    # The library approved the main words only: any variant needs the full approval.
    unchanged = (title, text) == (library_title, library_text) and not variants
    origin = Origin(
        key=entry.key,
        version=version.version,
        title=library_title,
        text=library_text,
        unchanged=unchanged,
        values=dict(values),
        approvals=tuple([await _pre_approval(deps, approval) for approval in approvals]),
    )
    use = LibraryUse(version_id=form.version_id, unchanged=unchanged, origin=origin.dump())
    proposal = ProposeForm(
        form.incident_id, title, text, CATEGORY, None, library=use, variants=variants
    )
    return await approval_flows.propose(deps, proposal, by=by)


async def _pre_approval(deps: Deps, approval: LibraryApproval) -> PreApproval:
    by = approval.decided_by or ""
    try:
        person = await deps.slack.user(by) if by else None
    except SlackFailure:
        person = None  # the card shows a mention instead of the name
    on = approval.decided_at.date().isoformat() if approval.decided_at else ""
    return PreApproval(
        role=approval.role.label, by=by, name=person.display if person else "", on=on
    )
