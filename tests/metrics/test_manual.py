"""`/crisis metric` by hand, through signed commands into the real app, on SQLite and
PostgreSQL: a point stored and answered privately, the latest values listed, bad input, outside
a war room, a resolved incident, and each point in the legal record."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from app.clock import FakeClock
from app.harness import Harness
from app.harness.seed import JORDAN, MARIA, SARAH
from app.incidents.models import Incident
from app.metrics.models import MetricPoint
from app.metrics.service import series
from app.slackdouble.render import render_text
from tests.conftest import BACKENDS
from tests.databases import harness_on
from tests.record.helpers import content, rows
from tests.scenarios.approvals_helpers import open_seed_incident
from tests.scenarios.conftest import crisis, last_private

SECRET = "install-secret-for-tests"


@pytest.fixture(params=BACKENDS)
async def harness(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[Harness]:
    options = {"CRISIS_METRICS_SECRET": SECRET}
    async with harness_on(request.param, tmp_path, clock=clock, **options) as running:
        yield running


def told(harness: Harness, user: str) -> str:
    """The latest private answer to `user`, as read: dates as their fallback, no bold or code."""
    seen = harness.double.ephemerals(user)
    assert seen, f"{user} was told nothing"
    shown = seen[-1].text
    if seen[-1].blocks:
        shown += "\n" + harness.double.render(seen[-1].blocks)
    return render_text(shown).replace("*", "").replace("`", "")


async def points(
    harness: Harness, incident: Incident, metric: str | None = None
) -> list[MetricPoint]:
    async with harness.db() as session:
        return await series(session, incident.id or 0, metric)


async def recorded(harness: Harness, incident: Incident, action: str) -> list[dict[str, Any]]:
    entries = [content(row) for row in await rows(harness.db, incident.id or 0)]
    return [entry for entry in entries if entry.get("action") == action]


async def metric(harness: Harness, user: str, incident: Incident, text: str) -> str:
    await crisis(harness, user, f"metric {text}".strip(), channel=incident.channel_id)
    return told(harness, user)


async def test_a_point_by_hand_is_stored_answered_privately_and_recorded(
    harness: Harness, clock: FakeClock
) -> None:
    incident = await open_seed_incident(harness)
    posted_before = len(harness.double.messages(incident.channel_id))
    first = await metric(harness, SARAH.id, incident, "views 2.1M tiktok")
    assert "Recorded views = 2.1M (tiktok) at 14:00 UTC. It is the first value" in first
    clock.advance(timedelta(minutes=35))
    second = await metric(harness, MARIA.id, incident, "views 2.7M tiktok")
    assert "Recorded views = 2.7M (tiktok) at 14:35 UTC." in second
    assert "Previous: 2.1M (tiktok) at 14:00 UTC (+29%)." in second  # 0.6 / 2.1 = 28.6 %
    stored = await points(harness, incident)
    assert [(p.value, p.source, p.entered_by, p.at) for p in stored] == [
        (2_100_000, "tiktok", SARAH.id, clock.now() - timedelta(minutes=35)),
        (2_700_000, "tiktok", MARIA.id, clock.now()),
    ]
    assert len(harness.double.messages(incident.channel_id)) == posted_before  # private only
    entries = await recorded(harness, incident, "metric.recorded")
    assert [(e["detail"]["value"], e["detail"]["source"]) for e in entries] == [
        (2_100_000, "tiktok"),
        (2_700_000, "tiktok"),
    ]


async def test_units_and_sources_of_several_words_or_none(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    said = await metric(harness, MARIA.id, incident, "sentiment -40%")
    assert "Recorded sentiment = -40% at 14:00 UTC." in said
    said = await metric(harness, SARAH.id, incident, "ceo_video_views 150K You Tube (CEO)")
    assert "Recorded ceo_video_views = 150K (You Tube (CEO))" in said
    stored = {p.metric: p for p in await points(harness, incident)}
    assert (stored["sentiment"].value, stored["sentiment"].unit) == (-40, "%")
    assert stored["sentiment"].source == ""
    assert stored["ceo_video_views"].source == "You Tube (CEO)"


async def test_a_percentage_moves_in_points(harness: Harness, clock: FakeClock) -> None:
    incident = await open_seed_incident(harness)
    await metric(harness, MARIA.id, incident, "sentiment -40%")
    clock.advance(timedelta(hours=1))
    said = await metric(harness, MARIA.id, incident, "sentiment -35%")
    assert "Previous: -40% at 14:00 UTC (+5 pts)." in said


async def test_the_list_shows_each_metrics_latest_value_trend_and_source(
    harness: Harness, clock: FakeClock
) -> None:
    incident = await open_seed_incident(harness)
    empty = await metric(harness, JORDAN.id, incident, "")
    assert f"No metrics in {incident.ref} yet" in empty and "/crisis metric views 2.7M" in empty
    for text in ("views 2.1M tiktok", "sentiment -30%", "mentions 900"):
        await metric(harness, SARAH.id, incident, text)
    clock.advance(timedelta(minutes=30))
    for text in ("views 2.7M tiktok", "sentiment -40%", "mentions 900"):
        await metric(harness, SARAH.id, incident, text)
    listing = await metric(harness, JORDAN.id, incident, "")
    assert f"Key metrics in {incident.ref}" in listing
    assert "• mentions 900 → · 14:30 UTC" in listing
    assert "• sentiment -40% ↓ · 14:30 UTC" in listing
    assert "• views 2.7M (tiktok) ↑ · 14:30 UTC" in listing


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("views", "Give views a value."),
        ("views lots tiktok", "lots is not a number: type it like 2.7M"),
        ("vi<ews 2M", "vi<ews is not a metric name"),
        ("views 2M " + "x" * 70, "The source is 70 characters; keep it under 64."),
        ("feed now", "Only revoke may follow /crisis metric feed."),
    ],
)
async def test_bad_input_is_one_line_with_the_usage_and_stores_nothing(
    harness: Harness, text: str, says: str
) -> None:
    incident = await open_seed_incident(harness)
    said = await metric(harness, MARIA.id, incident, text)
    assert says in said and "Usage: /crisis metric <name> <value>[unit] [source]" in said
    assert len(said.splitlines()) == 1
    assert await points(harness, incident) == []


async def test_outside_a_war_room_it_is_refused(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    await crisis(harness, MARIA.id, "metric views 2.7M tiktok")  # in #general
    said = last_private(harness, MARIA.id)
    assert "only works inside a war room" in said and incident.ref in said
    assert await points(harness, incident) == []


async def test_a_resolved_incident_takes_no_points_but_still_lists_them(
    harness: Harness,
) -> None:
    incident = await open_seed_incident(harness)
    await metric(harness, MARIA.id, incident, "views 2.7M tiktok")
    await crisis(harness, MARIA.id, "resolve Sentiment is back", channel=incident.channel_id)
    said = await metric(harness, SARAH.id, incident, "views 3M tiktok")
    assert f"{incident.ref} is resolved; /crisis reopen first to record a metric." in said
    assert [p.value for p in await points(harness, incident)] == [2_700_000]
    assert "views 2.7M (tiktok)" in await metric(harness, SARAH.id, incident, "")


async def test_the_same_metric_moment_and_source_twice_is_stored_once(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    await metric(harness, MARIA.id, incident, "views 2.7M tiktok")
    said = await metric(harness, SARAH.id, incident, "views 2.8M tiktok")  # same fake moment
    assert "views at 14:00 UTC from that source is already recorded" in said
    assert [p.value for p in await points(harness, incident)] == [2_700_000]
    assert len(await recorded(harness, incident, "metric.recorded")) == 1


async def test_help_lists_the_metric_command(harness: Harness) -> None:
    await crisis(harness, JORDAN.id, "help")
    assert "/crisis metric <name> <value>[unit] [source]" in told(harness, JORDAN.id)


async def test_a_point_by_hand_redraws_the_brief(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    await metric(harness, SARAH.id, incident, "views 2.7M tiktok")
    brief = harness.double.message(incident.channel_id, incident.brief_ts or "")
    assert brief is not None and "2.7M" in harness.double.render(brief.blocks or [])
