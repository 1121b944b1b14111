"""What one person's Home tab shows now (the outbox worker publishes it)."""

from __future__ import annotations

from slack_sdk.models.views import View
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.audit.models import AuditEntry
from app.flows.access import viewer
from app.flows.deps import Deps
from app.home.facts import home_facts
from app.slack.blocks.home import home_view
from app.slack.teams import installed_team
from app.store.workspace import Workspace


async def render_home(deps: Deps, user_id: str) -> View:
    who = await viewer(deps, user_id)
    team = await _team_of_user(deps, user_id)
    async with deps.db() as session:
        facts = await home_facts(
            session, viewer=who, now=deps.clock.now(), policy=deps.policy, team=team
        )
        exports = await latest_exports(session, [i.id or 0 for i in facts.resolved])
    for incident_id, file_id in exports.items():
        link = await deps.slack.file_permalink(file_id)
        if link:
            facts.record_links[incident_id] = link
    return home_view(facts)


async def _team_of_user(deps: Deps, user_id: str) -> Workspace:
    """The workspace whose roles this person's Home lists decisions for: their own
    (users.info, cached), the installed one when Slack does not say."""
    user = await deps.slack.user(user_id)
    if user is None or not user.team_id:
        return installed_team(deps.slack)
    return Workspace(user.team_id, user.enterprise_id)


async def latest_exports(session: AsyncSession, incident_ids: list[int]) -> dict[int, str]:
    """The file id of each incident's latest uploaded export of its record."""
    query = (
        select(AuditEntry)
        .where(col(AuditEntry.incident_id).in_(incident_ids), AuditEntry.action == "record.export")
        .order_by(col(AuditEntry.id))
    )
    found: dict[int, str] = {}
    for entry in (await session.exec(query)).all():
        if entry.detail.get("file_id") and entry.incident_id is not None:
            found[entry.incident_id] = str(entry.detail["file_id"])
    return found
