"""Steps the metric-alert scenarios share: the seed's viral war room (the shipped playbook:
views above 1M → SEV1, 15-minute cadence, executives told; sentiment drops 30% within 2h;
sentiment back within 10% for 24h; views expected every 30m, sentiment every 1h), points fed
through `record_points` as the hook and the command store them, and what Slack received."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from sqlalchemy import text
from sqlmodel import col, select

from app.harness import Harness
from app.harness.seed import MARIA, SARAH
from app.incidents.models import Incident
from app.main import CrisisRoom, create_app
from app.metrics.alerts import MetricAlert
from app.metrics.service import record_points
from app.metrics.values import PointIn
from app.slack import ids
from app.slackdouble.workspace import Message
from app.store.engine import make_engine, make_session_factory
from tests.databases import POSTGRES_URL
from tests.scenarios.conftest import crisis, seed_roles
from tests.updates.steps import tick, with_block

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


async def open_viral(harness: Harness) -> Incident:
    """The seed's roles (Maria leads, Robert is the executive), and the viral war room."""
    await seed_roles(harness)
    await crisis(harness, MARIA.id, "open --kind service_failure_viral Video going viral")
    async with harness.db() as session:
        return (await session.exec(select(Incident))).one()


async def feed(
    harness: Harness,
    incident: Incident,
    metric: str,
    value: float,
    *,
    source: str = "tiktok",
    unit: str = "",
    ago: timedelta = timedelta(0),
) -> None:
    """One point, measured `ago` before now, stored as the hook or the command stores it."""
    now = harness.clock.now()
    point = PointIn(metric, value, now - ago, unit=unit, source=source)
    async with harness.db.begin() as session:
        await record_points(
            session, incident_id=incident.id or 0, points=[point], by=SARAH.id, now=now
        )


async def fed(
    harness: Harness, incident: Incident, metric: str, value: float, **kw: object
) -> None:
    """A point, then the passes run."""
    await feed(harness, incident, metric, value, **kw)  # type: ignore[arg-type]
    await tick(harness)


async def later(harness: Harness, delta: timedelta, *rooms: CrisisRoom) -> None:
    harness.clock.advance(delta)  # type: ignore[attr-defined]
    await tick(harness, *rooms)


async def raise_from(harness: Harness, user: str, incident: Incident, alert: Message) -> int:
    """`user` clicks the alert's Raise button; the click's HTTP status, once it has run."""
    response = await harness.driver.click(
        user, ids.METRIC_ALERT_RAISE, channel_id=incident.channel_id, message_ts=alert.ts
    )
    await harness.settle()
    return response.status


def alerts(harness: Harness, incident: Incident, words: str = "") -> list[Message]:
    """The alerts in the war room (those containing `words`)."""
    posted = with_block(harness.double.messages(incident.channel_id), ids.METRIC_ALERT_TEXT)
    return [m for m in posted if words in m.text]


def alert_dms(harness: Harness, user: str, words: str = "") -> list[Message]:
    return [m for m in with_block(harness.double.dms(user), ids.METRIC_ALERT_DM) if words in m.text]


def shown(harness: Harness, message: Message) -> str:
    return harness.double.render(message.blocks or [])


def buttons(message: Message) -> list[str]:
    return [
        element["text"]["text"]
        for block in message.blocks or []
        if block.get("block_id") == ids.METRIC_ALERT_ACTIONS
        for element in block["elements"]
    ]


async def stored_alerts(harness: Harness) -> list[MetricAlert]:
    async with harness.db() as session:
        query = select(MetricAlert).order_by(col(MetricAlert.id))
        return list((await session.exec(query.execution_options(populate_existing=True))).all())


async def fresh(harness: Harness, incident: Incident) -> Incident:
    async with harness.db() as session:
        found = await session.get(Incident, incident.id, populate_existing=True)
    assert found is not None
    return found


@asynccontextmanager
async def twin(harness: Harness) -> AsyncIterator[CrisisRoom]:
    """A second bot process on the same database (its own engine and connections) and the
    same Slack: a replica, or the bot after a restart."""
    if harness.room.engine.dialect.name == "postgresql":
        async with harness.db() as session:
            schema = (await session.exec(text("select current_schema()"))).one()[0]  # type: ignore[call-overload]
        engine = make_engine(
            POSTGRES_URL, connect_args={"server_settings": {"search_path": schema}}
        )
    else:
        engine = make_engine(harness.settings.database_url)
    room = create_app(
        harness.settings, clock=harness.clock, session_factory=make_session_factory(engine)
    )
    await room.start()
    try:
        yield room
    finally:
        await room.stop()
