"""Storing metric alerts and reading what they still owe (the caller owns the transaction).

`add` inserts an alert only if its crossing has none yet (the unique key: app/metrics/
alerts.py) and audits it, so the legal record shows each alert once, with the rule and value.
`fired_line` is what the alert says, as plain text (escaped by whoever shows it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from app.audit.service import audit
from app.metrics.alerts import MetricAlert, MetricAlertMessage
from app.metrics.crossings import Crossing, Last
from app.metrics.thresholds import (
    Change,
    Level,
    Recovery,
    Silence,
    Threshold,
    amount,
    span,
    tolerance,
)
from app.metrics.values import shown
from app.store.dialects import insert_of

ALERTED = "metric.alert"
SENT = "metric.alert_sent"


def fired_line(rule: Threshold, crossing: Crossing, *, source: str, unit: str) -> str:
    """e.g. "views crossed 1M (now 2.7M, tiktok) · rule: views above 1M"."""
    c, name = rule.condition, rule.metric
    value = "" if crossing.value is None else shown(crossing.value, unit)
    where = f", {source}" if source else ""
    if isinstance(c, Level):
        return f"{name} crossed {shown(c.bound, c.unit)} (now {value}{where}) · rule: {rule.key}"
    if isinstance(c, Change):
        moved = _moved(c, crossing.reference, crossing.value)
        verb = "rose" if c.rises else "dropped"
        was = "" if crossing.reference is None else shown(crossing.reference, unit)
        return (
            f"{name} {verb} {moved} within {span(c.within)} ({was} → {value}{where})"
            f" · rule: {rule.key}"
        )
    if isinstance(c, Recovery):
        on = f" on {source}" if source else ""
        return (
            f"{name} recovered{on}: within {tolerance(c)} for {span(c.lasting)}"
            " — monitoring can step down"
        )
    assert isinstance(c, Silence)
    return (
        f"No `{name}` point for {span(c.limit)} (expected every {span(c.expected)}): silence"
        " from the listening tool is not good news — check the feed."
    )


def _moved(change: Change, old: float | None, new: float | None) -> str:
    if old is None or new is None:
        return amount(change.amount, change.relative, change.unit)
    delta = abs(new - old)
    if change.relative and old != 0:
        return amount(round(delta / abs(old) * 100), True)
    return amount(delta, False, change.unit)


async def add(
    session: AsyncSession,
    *,
    incident_id: int,
    rule: Threshold,
    source: str,
    crossing: Crossing,
    unit: str,
    actor: str,
    now: datetime,
) -> MetricAlert | None:
    """The alert of this crossing, if this call is the one that stored it (else None: it
    had been stored already, by this process or another)."""
    values = {
        "incident_id": incident_id,
        "rule": rule.key,
        "source": source,
        "crossing": crossing.number,
    }
    insert = insert_of(session.get_bind().dialect.name)
    inserted = await session.exec(
        insert(MetricAlert)
        .values(
            **values,
            kind=rule.kind.value,
            metric=rule.metric,
            value=crossing.value,
            unit=unit,
            crossed_at=crossing.at,
            fired=fired_line(rule, crossing, source=source, unit=unit),
            created_at=now,
            raise_to=rule.raise_to.value if rule.raise_to else None,
            escalate=rule.escalate,
            delivered_at=None,
        )
        .on_conflict_do_nothing(index_elements=list(values))
    )
    if inserted.rowcount != 1:
        return None
    query = select(MetricAlert).where(
        col(MetricAlert.incident_id) == incident_id,
        col(MetricAlert.rule) == rule.key,
        col(MetricAlert.source) == source,
        col(MetricAlert.crossing) == crossing.number,
    )
    alert = (await session.exec(query)).one()
    _audit(session, alert, actor)
    return alert


def shortened(session: AsyncSession, alert: MetricAlert, *, to: int, was: int) -> None:
    """The alert shortened the update cadence (seconds): its message says so."""
    alert.cadence_seconds, alert.cadence_was = to, was
    session.add(alert)


def raised(session: AsyncSession, alert: MetricAlert, *, by: str, at: datetime) -> None:
    """The lead raised the severity from this alert's button."""
    alert.raised_by, alert.raised_at = by, at
    session.add(alert)


def _audit(session: AsyncSession, alert: MetricAlert, actor: str) -> None:
    audit(
        session,
        at=alert.created_at,
        actor=actor,
        action=ALERTED,
        incident_id=alert.incident_id,
        alert_id=alert.id,
        rule=alert.rule,
        kind=alert.kind.value,
        metric=alert.metric,
        crossing=alert.crossing,
        crossed_at=alert.crossed_at.isoformat(),
        fired=alert.fired,
        **({"source": alert.source} if alert.source else {}),
        **({"value": alert.value, "unit": alert.unit} if alert.value is not None else {}),
        **({"raise_to": alert.raise_to.value} if alert.raise_to else {}),
        **({"escalate": True} if alert.escalate else {}),
    )


async def last_crossings(
    session: AsyncSession, incident_id: int, metric: str
) -> dict[tuple[str, str], Last]:
    """Per (rule, source) of one metric of one incident, its last crossing stored: a look
    numbers the next ones on from it, and only later ones are new."""
    other = aliased(MetricAlert)
    highest = (
        select(func.max(other.crossing))
        .where(
            col(other.incident_id) == col(MetricAlert.incident_id),
            col(other.rule) == col(MetricAlert.rule),
            col(other.source) == col(MetricAlert.source),
        )
        .scalar_subquery()
    )
    query = select(
        MetricAlert.rule, MetricAlert.source, MetricAlert.crossing, MetricAlert.crossed_at
    ).where(
        col(MetricAlert.incident_id) == incident_id,
        col(MetricAlert.metric) == metric,
        col(MetricAlert.crossing) == highest,
    )
    rows = (await session.exec(query)).all()
    return {(rule, source): Last(number, at) for rule, source, number, at in rows}


async def owing(session: AsyncSession, incident_ids: Iterable[int]) -> set[tuple[int, str]]:
    """(incident, metric) of every alert of these incidents that still owes a message."""
    query = (
        select(MetricAlert.incident_id, MetricAlert.metric)
        .where(
            col(MetricAlert.incident_id).in_(sorted(set(incident_ids))),
            col(MetricAlert.delivered_at).is_(None),
        )
        .distinct()
    )
    return {(incident_id, metric) for incident_id, metric in (await session.exec(query)).all()}


async def undelivered(session: AsyncSession, incident_id: int, metric: str) -> list[MetricAlert]:
    """The alerts of one metric that still owe a message, oldest first, fresh."""
    query = (
        select(MetricAlert)
        .where(
            col(MetricAlert.incident_id) == incident_id,
            col(MetricAlert.metric) == metric,
            col(MetricAlert.delivered_at).is_(None),
        )
        .order_by(col(MetricAlert.id))
        .execution_options(populate_existing=True)
    )
    return list((await session.exec(query)).all())


async def messages_of(session: AsyncSession, alert_id: int) -> list[MetricAlertMessage]:
    query = (
        select(MetricAlertMessage)
        .where(col(MetricAlertMessage.alert_id) == alert_id)
        .order_by(col(MetricAlertMessage.id))
        .execution_options(populate_existing=True)
    )
    return list((await session.exec(query)).all())


async def set_delivered(session: AsyncSession, alert_id: int, now: datetime) -> None:
    await session.exec(
        update(MetricAlert)
        .where(col(MetricAlert.id) == alert_id, col(MetricAlert.delivered_at).is_(None))
        .values(delivered_at=now)
        .execution_options(synchronize_session=False)
    )


async def get(session: AsyncSession, alert_id: int) -> MetricAlert | None:
    return await session.get(MetricAlert, alert_id, populate_existing=True)
