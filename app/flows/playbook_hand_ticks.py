"""The lead ticks (or unticks) a checklist step by hand from the brief: one transaction (the
incident locked and open, the lead's role read, the tick audited, the brief read), then the
brief is brought up to date. Steps an event ticks are left to their event."""

from __future__ import annotations

from app.approvals.rules import held_by
from app.flows.access import ensure_incident_visible
from app.flows.deps import Deps
from app.flows.incidents import brief_facts, show_brief
from app.incidents import closure
from app.playbooks import hand_ticks
from app.roles import service as roles
from app.slack.teams import team_of


async def set_by_hand(deps: Deps, incident_id: int, step: str, *, ticked: bool, by: str) -> None:
    incident = await ensure_incident_visible(deps, incident_id, by)
    doing = "tick the checklist" if ticked else "untick the checklist"
    async with deps.db.begin() as session:
        await closure.lock_open(session, incident_id, doing=doing)
        team = team_of(incident, deps.slack)
        hand_ticks.check_lead(held_by(await roles.holders(session, team=team), by))
        await hand_ticks.set_by_hand(
            session,
            incident_id=incident_id,
            step=step,
            ticked=ticked,
            by=by,
            at=deps.clock.now(),
        )
        brief = await brief_facts(session, incident_id)  # a stale select is refreshed too
    await show_brief(deps, brief)
