"""The lead raises the severity from a metric alert's button: one transaction (the incident
locked and open, the clicker's lead role checked, the severity raised and audited, the alert
marked, the brief and topic asked for a new version), then the brief and topic are brought up
to date by the outbox and the alert says who raised it. Anyone else gets one line."""

from __future__ import annotations

from app.approvals.rules import held_by
from app.errors import BadCommand, NotAuthorized
from app.flows import outbox_worker
from app.flows.access import ensure_incident_visible
from app.flows.deps import Deps
from app.flows.incidents import brief_facts, show_brief
from app.incidents import closure
from app.incidents import service as incidents
from app.metrics import alerting
from app.metrics.alerts import TABLE, AlertMessageKey, MetricAlert
from app.outbox import service as outbox
from app.outbox.models import OutboxKind
from app.roles import service as roles
from app.roles.models import Role
from app.slack.blocks.metric_alert import alert_blocks, alert_text
from app.slack.teams import team_of

ONLY_THE_LEAD = "Only the incident lead can raise the severity from an alert."
GONE = "That alert no longer asks for a severity; raise it with the brief if it is still needed."


async def raise_severity(deps: Deps, alert_id: int, *, by: str) -> None:
    async with deps.db() as session:
        found = await alerting.get(session, alert_id)
    if found is None or found.raise_to is None:
        raise BadCommand(GONE)
    incident = await ensure_incident_visible(deps, found.incident_id, by)
    incident_id, now = incident.id or 0, deps.clock.now()
    async with deps.db.begin() as session:
        await closure.lock_open(session, incident_id, doing="raise its severity")
        team = team_of(incident, deps.slack)
        if Role.LEAD not in held_by(await roles.holders(session, team=team), by):
            raise NotAuthorized(ONLY_THE_LEAD)
        await incidents.raise_severity(
            session, incident_id=incident_id, to=found.raise_to, by=by, at=now, alert_id=alert_id
        )
        alert = await alerting.get(session, alert_id)
        assert alert is not None
        alerting.raised(session, alert, by=by, at=now)
        brief = await brief_facts(session, incident_id)
        await outbox.want_next(session, OutboxKind.TOPIC, subject_id=incident_id)
    await show_brief(deps, brief)
    await outbox_worker.kick(deps, OutboxKind.TOPIC, subject_id=incident_id)
    await _show_raised(deps, alert, incident.channel_id)


async def _show_raised(deps: Deps, alert: MetricAlert, channel_id: str) -> None:
    """The war-room alert loses its button and says who raised the severity."""
    key = AlertMessageKey(alert.id or 0, alert.incident_id, channel_id)
    async with deps.db() as session:
        row = await TABLE.row(session, key)
    if row is None or row.ts is None:
        return
    blocks = alert_blocks(alert, can_raise=False)
    await deps.slack.update(channel_id, row.ts, text=alert_text(alert), blocks=blocks)
