"""Thresholds that act (issue 15): the periodic pass that turns crossings into alerts.

Each tick takes only the watches whose `check_at` has come (app/metrics/watch.py: a new point,
a silence that may have grown long enough, a recovery that may have lasted long enough, a
message to retry). For one watch it reads the incident's playbook rules on that metric (read
now from `deps.playbooks`, by the incident's kind of crisis) and what they need of the series:
the points new since the last look and the windows of the rules, not the history (app/metrics/
look.py). It stores the crossings not stored yet: the alert's unique key is its claim, so
whichever process stores it acts on it, once: the update cadence shortened when the rule says
so (audited, like `/crisis cadence`), the alert audited. Then each alert still owing a message
is delivered (app/flows/metric_alerts_delivery.py): the war-room post with its chart, and a DM
per executive when the rule escalates, each exactly once. Only a look that went through moves
the watch's record of what the looks took in forward.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from app.flows.claimed_delivery import system_actor
from app.flows.deps import Deps
from app.flows.incidents import brief_facts, show_brief
from app.flows.metric_alerts_delivery import deliver_alerts
from app.incidents import closure
from app.incidents.models import Incident, Status
from app.metrics import alerting, look, watch
from app.metrics.look import New
from app.metrics.thresholds import Threshold
from app.metrics.watch import Looked, MetricWatch, Next
from app.store.workspace import Workspace
from app.updates import service as updates

logger = logging.getLogger(__name__)

JOB_ID = "crisis-metric-alerts"
LOOK_TIMEOUT_SECONDS = 30.0
CONCURRENCY = 20

__all__ = ["JOB_ID", "tick"]


@dataclass(frozen=True)
class Due:
    """A watch with something to look at, and what the tick read for it."""

    watched: MetricWatch
    incident: Incident
    rules: tuple[Threshold, ...]
    owes: bool  # an alert of its metric still owes a message


Outcome = tuple[datetime | None, Looked | None]  # the next look; what this one took in


async def tick(deps: Deps) -> int:
    """Evaluate every watch due now and deliver what it owes; returns how many were due.
    Which ones have something to do (a rule on the metric, a message owed, the incident
    open) is one read for all; what each look found is one write for all."""
    async with deps.db.begin() as session:
        due = await watch.take_due(session, now=deps.clock.now())
    if not due:
        return 0
    busy = await _busy(deps, due)
    gate = asyncio.Semaphore(CONCURRENCY)
    outcomes = await asyncio.gather(*(_look(deps, item, gate) for item in busy))
    taken = {item.watched.id for item in busy}
    decided = [Next(watched, None) for watched in due if watched.id not in taken]
    for item, (next_at, looked) in zip(busy, outcomes, strict=True):
        decided.append(Next(item.watched, next_at, looked))
    async with deps.db.begin() as session:
        await watch.set_next(session, decided)
    return len(due)


async def _busy(deps: Deps, due: list[MetricWatch]) -> list[Due]:
    """The watches with something to look at (while points pour into incidents without
    thresholds, few are): the incident open, and a rule on the metric or a message owed."""
    incident_ids = sorted({watched.incident_id for watched in due})
    async with deps.db() as session:
        query = select(Incident).where(col(Incident.id).in_(incident_ids))
        incidents = {i.id: i for i in (await session.exec(query)).all()}
        owed = await alerting.owing(session, incident_ids)
    busy: list[Due] = []
    for watched in due:
        incident = incidents.get(watched.incident_id)
        if incident is None or incident.status == Status.RESOLVED:
            continue
        owes = (watched.incident_id, watched.metric) in owed
        rules = _rules(deps, incident, watched.metric)
        if owes or rules:
            busy.append(Due(watched, incident, rules, owes))
    return busy


def _rules(deps: Deps, incident: Incident, metric: str) -> tuple[Threshold, ...]:
    """The incident's rules on the metric, from the playbook of its kind of crisis (read now:
    a playbook edited since is the one that counts)."""
    playbook = deps.playbooks.get(incident.crisis_kind)
    return playbook.metrics.rules(metric) if playbook is not None else ()


async def _look(deps: Deps, item: Due, gate: asyncio.Semaphore) -> Outcome:
    try:
        async with gate:
            served = await deps.on(Workspace.of(item.incident))  # its workspace's installation
            return await asyncio.wait_for(_evaluate(served, item), LOOK_TIMEOUT_SECONDS)
    except Exception:
        logger.exception("metric alerts of INC-%s failed", item.watched.incident_id)
        return deps.clock.now() + watch.AGAIN, None


async def _evaluate(deps: Deps, item: Due) -> Outcome:
    """Store the new crossings, deliver what is owed; when to look again, and what this look
    took in (kept once it all went through: a look that failed is done again in full)."""
    async with deps.db() as session:
        seen = await look.see(
            session,
            item.watched,
            item.rules,
            now=deps.clock.now(),
            opened_at=item.incident.opened_at,
        )
    new = seen.crossings()
    if new:
        await _store(deps, item.incident, new)
    retry_at = None
    if new or item.owes:
        retry_at = await deliver_alerts(deps, item.incident, item.watched.metric)
    next_at = min((at for at in [seen.next_check(), retry_at] if at is not None), default=None)
    return next_at, seen.looked() if seen.rules else None


async def _store(deps: Deps, incident: Incident, new: list[New]) -> None:
    """One transaction: the incident locked first, each alert stored if no process stored it
    yet, the cadence shortened by those that say so; then the brief shows the new cadence."""
    now, actor, incident_id = deps.clock.now(), system_actor(deps), incident.id or 0
    brief, shortened = None, False
    async with deps.db.begin() as session:
        locked = await closure.lock_incident(session, incident_id)
        if locked.status == Status.RESOLVED:
            return
        for item in new:
            alert = await alerting.add(
                session,
                incident_id=incident_id,
                rule=item.rule,
                source=item.source,
                crossing=item.crossing,
                unit=item.unit,
                actor=actor,
                now=now,
            )
            minutes = item.rule.cadence_minutes
            was = locked.cadence_seconds
            if alert is None or not minutes or not was or minutes * 60 >= was:
                continue
            locked = await updates.set_cadence(
                session, incident_id=incident_id, seconds=minutes * 60, by=actor, at=now
            )
            alerting.shortened(session, alert, to=minutes * 60, was=was)
            shortened = True
        if shortened:
            brief = await brief_facts(session, incident_id)
    await show_brief(deps, brief)
