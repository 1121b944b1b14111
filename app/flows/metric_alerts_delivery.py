"""Sending a metric alert's messages, each exactly once (the steps: app/flows/
claimed_delivery.py), while the incident is open: the war-room post (with the lead's raise
button when the rule asks for a severity the incident is below), its chart threaded under it,
and a DM to each executive when the rule escalates. Each is a claimed row, audited when sent
(`metric.alert_sent`); once all are sent the alert is delivered and no longer looked at.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from app.claims.rules import free_at
from app.flows import claimed_delivery
from app.flows.claimed_delivery import Audited, Message
from app.flows.deps import Deps
from app.flows.effects import Posted
from app.flows.metric_charts import post_charts
from app.incidents.models import Incident, Severity, Status
from app.incidents.service import SEVERITY_ORDER
from app.metrics import alerting
from app.metrics.alerts import TABLE, AlertMessageKey, MetricAlert, MetricAlertMessage
from app.metrics.watch import AGAIN
from app.roles import service as roles
from app.roles.models import Role
from app.slack.blocks.metric_alert import alert_blocks, alert_text, dm_blocks, dm_text
from app.slack.teams import team_of


def can_raise(incident: Incident, to: Severity | None) -> bool:
    """The raise button still has something to do: the incident is open and below `to`."""
    if to is None or incident.status == Status.RESOLVED:
        return False
    return SEVERITY_ORDER.index(incident.severity) < SEVERITY_ORDER.index(to)


async def deliver_alerts(deps: Deps, incident: Incident, metric: str) -> datetime | None:
    """Deliver every alert of `metric` still owing a message; when to try again what is
    left (None: nothing is)."""
    async with deps.db() as session:
        owed = await alerting.undelivered(session, incident.id or 0, metric)
        team = team_of(incident, deps.slack)
        holders = await roles.holders(session, team=team) if any(a.escalate for a in owed) else {}
    execs = list(holders.get(Role.EXEC, []))
    retries = [await _deliver(deps, incident, alert, execs) for alert in owed]
    return min((at for at in retries if at is not None), default=None)


async def _deliver(
    deps: Deps, incident: Incident, alert: MetricAlert, execs: Sequence[str]
) -> datetime | None:
    await _post_room(deps, incident, alert)
    recipients = [incident.channel_id]
    if alert.escalate:
        for user in execs:
            await _tell_exec(deps, incident, alert, user)
        recipients.extend(execs)
    now = deps.clock.now()
    async with deps.db.begin() as session:
        rows = await alerting.messages_of(session, alert.id or 0)
        if all(any(r.recipient == who and r.sent_at for r in rows) for who in recipients):
            await alerting.set_delivered(session, alert.id or 0, now)
            return None
    return _retry_at(rows, recipients, now)


def _retry_at(
    rows: Sequence[MetricAlertMessage], recipients: Sequence[str], now: datetime
) -> datetime:
    """When an unsent message can next be claimed: its owner gone quiet, or its backoff
    over; a message never claimed (another process was at it) is looked at again soon."""
    found = {row.recipient: row for row in rows}
    times: list[datetime] = []
    for who in recipients:
        row = found.get(who)
        if row is None:
            times.append(now + AGAIN)
        elif row.sent_at is None:
            times.append(free_at(row) or max(row.retry_at or now, now))
    return min(times, default=now + AGAIN)


async def _post_room(deps: Deps, incident: Incident, alert: MetricAlert) -> None:
    incident_id = incident.id or 0
    key = AlertMessageKey(alert.id or 0, incident_id, incident.channel_id)
    first_ts: list[str] = []

    async def compose() -> Message:
        async with deps.db() as session:
            fresh = await session.get(Incident, incident_id, populate_existing=True)
            current = await alerting.get(session, alert.id or 0)
        assert fresh is not None and current is not None
        blocks = alert_blocks(current, can_raise=can_raise(fresh, current.raise_to))
        return Message(incident.channel_id, alert_text(current), blocks)

    async def after(message: Message, posted: Posted) -> None:
        if not posted.found:  # an earlier attempt's post found again: its chart may be there
            first_ts.append(posted.ts)

    sent = await claimed_delivery.deliver(
        deps,
        TABLE,
        key,
        still_owed=_open(incident_id),
        compose=compose,
        audited=Audited(alerting.SENT, incident_id, _about(alert), {"via": "war_room"}),
        what=key.effect,
        after=after,
    )
    if sent and first_ts:
        comment = f"`{alert.metric}` since {incident.ref} opened"
        await post_charts(deps, incident_id, [alert.metric], comment=comment, thread_ts=first_ts[0])


async def _tell_exec(deps: Deps, incident: Incident, alert: MetricAlert, user: str) -> bool:
    incident_id = incident.id or 0
    key = AlertMessageKey(alert.id or 0, incident_id, user)

    async def compose() -> Message:
        dm = await deps.slack.dm_channel(user)
        where = {"title": incident.title, "channel_id": incident.channel_id}
        return Message(dm, dm_text(alert, **where), dm_blocks(alert, **where))

    return await claimed_delivery.deliver(
        deps,
        TABLE,
        key,
        still_owed=_open(incident_id),
        compose=compose,
        audited=Audited(alerting.SENT, incident_id, _about(alert), {"via": "dm"}),
        what=key.effect,
    )


def _open(incident_id: int) -> claimed_delivery.StillOwed:
    async def still_open(session: AsyncSession) -> bool:
        incident = await session.get(Incident, incident_id, populate_existing=True)
        return incident is not None and incident.status != Status.RESOLVED

    return still_open


def _about(alert: MetricAlert) -> dict[str, object]:
    return {"alert_id": alert.id, "rule": alert.rule, "crossing": alert.crossing}
