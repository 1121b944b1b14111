"""Charts of an incident's metrics, posted in its war room (issue 15).

Each chart shows one metric's points over the incident with what the war room lived through
marked on the time axis: the playbook's thresholds, the alerts, the approved public statements
and the updates posted. The bot posts them under each stakeholder update (app/flows/updates.py)
and each alert (app/flows/metric_alerts_delivery.py), all charts in one files.upload v2.

They are drawn in a child process (app/metrics/chart_child.py: matplotlib never loads in the
bot), one drawing at a time per process, so a storm of alerts does not start a storm of
matplotlibs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.errors import SlackFailure
from app.flows.deps import Deps
from app.incidents import service as incidents
from app.incidents.models import Incident
from app.metrics import service
from app.metrics.alerts import MetricAlert
from app.metrics.chart_child import render_apart
from app.metrics.charts import (
    ALERT,
    RECOVERY,
    STATEMENT,
    UPDATE,
    Bound,
    ChartData,
    ChartPoint,
    Mark,
)
from app.metrics.models import MetricPoint
from app.metrics.thresholds import AlertKind, Level, MetricsPlan, Recovery
from app.review.gather import statement_approvals
from app.slack.gateway import Upload
from app.updates.models import StatusUpdate

logger = logging.getLogger(__name__)

DRAWING = ("metric charts",)  # the key of the per-process lock around the drawing child


async def post_charts(
    deps: Deps,
    incident_id: int,
    metrics: Sequence[str],
    *,
    comment: str,
    thread_ts: str | None = None,
) -> None:
    """Upload one PNG chart per metric in `metrics` that has points to the incident's war room
    (files upload v2), in one message with `comment`, threaded under `thread_ts` when given. A
    failure is logged, never raised: the chart is an addition to a message already posted."""
    await _post(deps, incident_id, metrics, comment=comment, thread_ts=thread_ts)


async def post_update_charts(deps: Deps, incident_id: int, *, thread_ts: str | None) -> None:
    """A chart of every metric the incident has, in the thread of the update just posted
    (nothing when it has none)."""
    comment = ":chart_with_upwards_trend: Key metrics at this update"
    await _post(deps, incident_id, None, comment=comment, thread_ts=thread_ts)


async def _post(
    deps: Deps,
    incident_id: int,
    metrics: Sequence[str] | None,
    *,
    comment: str,
    thread_ts: str | None,
) -> None:
    try:
        incident, charts = await charts_of(deps, incident_id, metrics)
        if incident is None or not charts:
            return
        async with deps.card_locks(DRAWING):
            pngs = await render_apart(charts)
        files = [
            Upload(content=png, filename=chart.filename, title=chart.title)
            for chart, png in zip(charts, pngs, strict=True)
        ]
        await deps.slack.upload(
            incident.channel_id,
            files=files,
            comment=comment,
            thread_ts=thread_ts,
            what="post the metric charts",
        )
    except SlackFailure as failure:  # (the message they illustrate is out: log it, go on)
        logger.warning("could not post the metric charts of INC-%s: %s", incident_id, failure.error)
    except Exception:  # a drawing or reading failure: its traceback, for whoever looks
        logger.exception("could not draw the metric charts of INC-%s", incident_id)


async def charts_of(
    deps: Deps, incident_id: int, metrics: Sequence[str] | None = None
) -> tuple[Incident | None, list[ChartData]]:
    """The incident and a chart of each of `metrics` (all of its metrics when None) that has
    points, in the order given, read in one session."""
    by_metric: dict[str, list[MetricPoint]] = {}
    async with deps.db() as session:
        incident = await incidents.get(session, incident_id)
        if incident is None:
            return None, []
        one = metrics[0] if metrics is not None and len(set(metrics)) == 1 else None
        for point in await service.series(session, incident_id, one):
            by_metric.setdefault(point.metric, []).append(point)
        wanted = [
            name
            for name in (by_metric if metrics is None else dict.fromkeys(metrics))
            if by_metric.get(name)
        ]
        if not wanted:  # (most incidents: no metrics, nothing more to read)
            return incident, []
        marks = await _marks(session, incident_id)
        alerts = await _alerts(session, incident_id)
    playbook = deps.playbooks.get(incident.crisis_kind)
    plan = playbook.metrics if playbook is not None else MetricsPlan()
    charts = [
        chart_data(incident.ref, by_metric[name], plan=plan, marks=marks, alerts=alerts)
        for name in wanted
    ]
    return incident, charts


def chart_data(
    ref: str,
    points: Sequence[MetricPoint],
    *,
    plan: MetricsPlan,
    marks: Sequence[Mark] = (),
    alerts: Sequence[MetricAlert] = (),
) -> ChartData:
    """One metric's chart: its points (oldest first), its levels and baselines, the
    incident's marks and the metric's own alerts."""
    metric = points[0].metric
    own = [
        Mark(alert.crossed_at, _alert_label(alert), RECOVERY if _recovered(alert) else ALERT)
        for alert in alerts
        if alert.metric == metric
    ]
    return ChartData(
        incident_ref=ref,
        metric=metric,
        unit=points[-1].unit,
        points=tuple(ChartPoint(p.at, p.value, p.source) for p in points),
        thresholds=bounds(plan, metric, first=points[0].value),
        marks=(*marks, *own),
    )


def bounds(plan: MetricsPlan, metric: str, *, first: float) -> tuple[Bound, ...]:
    """What can be drawn across a chart: a level's bound, a recovery's baseline (the given
    one, else the metric's first point). A change within a window has no one value."""
    found: list[Bound] = []
    for rule in plan.rules(metric):
        condition = rule.condition
        if isinstance(condition, Level):
            found.append(Bound(rule.describe(), condition.bound))
        elif isinstance(condition, Recovery):
            base = first if condition.baseline is None else condition.baseline
            found.append(Bound(f"{metric} baseline", base))
    return tuple(dict.fromkeys(found))


def _recovered(alert: MetricAlert) -> bool:
    return alert.kind == AlertKind.RECOVERY


def _alert_label(alert: MetricAlert) -> str:
    label = f"{alert.metric} recovered" if _recovered(alert) else alert.rule
    return f"{label} ({alert.source})" if alert.source else label


async def _marks(session: AsyncSession, incident_id: int) -> list[Mark]:
    """Every chart's marks: the approved public statements and the updates posted."""
    statements = [
        Mark(at, f"{ref} approved", STATEMENT)
        for at, ref in await statement_approvals(session, incident_id)
    ]
    query = select(StatusUpdate.posted_at).where(StatusUpdate.incident_id == incident_id)
    posted: Sequence[datetime] = (await session.exec(query)).all()
    return statements + [Mark(at, "update", UPDATE) for at in posted]


async def _alerts(session: AsyncSession, incident_id: int) -> list[MetricAlert]:
    query = (
        select(MetricAlert)
        .where(MetricAlert.incident_id == incident_id)
        .order_by(col(MetricAlert.crossed_at), col(MetricAlert.id))
    )
    return list((await session.exec(query)).all())
