"""The brief's "Key metrics": each metric's latest value with its trend, read cheaply, and the
brief redrawn when a point is stored (app/flows/metric_brief.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event

from app.clock import FakeClock
from app.flows.brief_render import read_brief
from app.flows.metric_brief import show_brief, want_brief
from app.harness import Harness
from app.harness.seed import MARIA
from app.metrics import service
from app.metrics.models import MetricPoint
from app.metrics.values import PointIn
from app.slack.blocks.brief import BriefFacts, brief_blocks, metric_line, metrics_text
from app.store.engine import SessionFactory
from tests.factories import stored_incident
from tests.scenarios.approvals_helpers import open_seed_incident
from tests.updates.steps import quiet_harness

T0 = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)


def point(metric: str, value: float, minutes: int, *, unit: str = "", source: str = "") -> Any:
    return MetricPoint(
        incident_id=1,
        metric=metric,
        value=value,
        unit=unit,
        at=T0 + timedelta(minutes=minutes),
        source=source,
        entered_by="U0SARAH",
        received_at=T0 + timedelta(minutes=minutes),
    )


def test_a_line_has_the_value_its_trend_its_source_and_when() -> None:
    newest, before = point("views", 2.7e6, 5, source="tiktok"), point("views", 2.1e6, 0)
    epoch = int((T0 + timedelta(minutes=5)).timestamp())
    line = metric_line([newest, before])
    assert line.startswith("views *2.7M* ↑ (tiktok, ")
    assert f"<!date^{epoch}^" in line and "|2026-11-21 14:05 UTC>" in line
    assert " ↓ " in metric_line([point("sentiment", -40, 5, unit="%"), point("sentiment", 0, 0)])
    assert "*-40%* ↓" in metric_line([point("sentiment", -40, 5, unit="%"), point("x", 0, 0)])
    assert " → " in metric_line([point("views", 5, 5), point("views", 5, 0)])
    alone = metric_line([point("ceo_video_views", 150e3, 0)])
    assert alone.startswith("ceo_video_views *150K* (<!date^")  # no trend from one point


def test_a_source_cannot_ping_anyone() -> None:
    line = metric_line([point("views", 1, 0, source="<!channel> <@U0ROBERT>")])
    assert "<!channel>" not in line and "<@U0ROBERT>" not in line
    assert "&lt;!channel&gt; &lt;@U0ROBERT&gt;" in line


def test_the_section_appears_only_with_metrics_and_stays_short() -> None:
    many = {f"m{n:02d}": [point(f"m{n:02d}", n, 0)] for n in range(15)}
    text = metrics_text(many)
    assert text.startswith("*Key metrics*\nm00 *0* (")
    assert text.count("\n") == 13 and text.endswith("…and 3 more")


async def test_the_brief_shows_key_metrics_read_with_the_rest(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident = await stored_incident(db, at=clock.now())
    assert incident.id is not None
    async with db.begin() as session:
        await service.record_points(
            session,
            incident_id=incident.id,
            points=[
                PointIn("views", 2.1e6, T0, source="tiktok"),
                PointIn("views", 2.7e6, T0 + timedelta(minutes=5), source="tiktok"),
                PointIn("sentiment", -40.0, T0, unit="%"),
            ],
            by="U0SARAH",
            now=clock.now(),
        )
    async with db() as session:
        facts = await read_brief(session, incident)
    assert list(facts.metrics) == ["sentiment", "views"]
    blocks = [block.to_dict() for block in brief_blocks(facts)]
    texts = [block.get("text", {}).get("text", "") for block in blocks]
    [section] = [text for text in texts if text.startswith("*Key metrics*")]
    assert "\nsentiment *-40%* (" in section and "\nviews *2.7M* ↑ (tiktok, " in section
    empty = BriefFacts(incident=incident, holders={})
    assert not any("Key metrics" in str(block.to_dict()) for block in brief_blocks(empty))


async def test_latest_reads_two_points_per_metric_by_index_not_the_series(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident = await stored_incident(db, at=clock.now())
    other = await stored_incident(db, at=clock.now(), channel="C0OTHER")
    points = [
        PointIn(metric, float(n), T0 + timedelta(minutes=n), source="tiktok")
        for metric in ("views", "mentions", "sentiment")
        for n in range(50)
    ]
    async with db.begin() as session:
        for target in (incident, other):
            await service.record_points(
                session, incident_id=target.id or 0, points=points, by="U0SARAH", now=clock.now()
            )
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "metric_point" in statement:
            statements.append(" ".join(statement.split()))

    engine = db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        async with db() as session:
            latest = await service.latest(session, incident.id or 0)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert list(latest) == ["mentions", "sentiment", "views"]
    assert [[p.value for p in two] for two in latest.values()] == [[49.0, 48.0]] * 3
    assert all(p.incident_id == incident.id for two in latest.values() for p in two)
    names, *per_metric = statements
    assert names.startswith("WITH RECURSIVE")  # the names, one index seek each
    assert len(per_metric) == 3 and all("LIMIT" in s for s in per_metric)


async def test_a_stored_point_redraws_the_pinned_brief(tmp_path: Path, clock: FakeClock) -> None:
    async with quiet_harness(tmp_path, clock) as harness:
        incident = await open_seed_incident(harness)
        await store(harness, incident.id or 0, PointIn("views", 2.1e6, clock.now(), source="tt"))
        assert "views *2.1M* (tt, " in brief_of(harness, incident.channel_id)
        clock.advance(timedelta(minutes=5))
        await store(harness, incident.id or 0, PointIn("views", 2.7e6, clock.now(), source="tt"))
        brief = brief_of(harness, incident.channel_id)
        assert "views *2.7M* ↑ (tt, " in brief and "2.1M" not in brief


async def store(harness: Harness, incident_id: int, point: PointIn) -> None:
    """As the hook and `/crisis metric` do: store, want the brief, commit, then show it."""
    async with harness.db.begin() as session:
        await service.record_points(
            session, incident_id=incident_id, points=[point], by=MARIA.id, now=point.at
        )
        await want_brief(session, incident_id)
    await show_brief(harness.room.deps, incident_id)
    await harness.settle()


def brief_of(harness: Harness, channel: str) -> str:
    pinned = harness.double.messages(channel)[0]
    return str(pinned.blocks)
