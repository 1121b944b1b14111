"""Batches through `POST /hooks/metrics`, on SQLite and PostgreSQL: all stored or none,
duplicates counted, and every point one entry in the legal record."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.clock import FakeClock
from app.harness import Harness
from app.record.verify import verify_incident
from tests.conftest import BACKENDS
from tests.metrics.hook_client import hooked, open_incident, point_count, points, post, recorded

START = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
async def harness(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[Harness]:
    async with hooked(tmp_path, clock, backend=request.param) as running:
        yield running


def series(incident: str, n: int, *, metric: str = "views", first: int = 0) -> list[dict[str, Any]]:
    """n points a minute apart, values 1000, 1001, …"""
    return [
        {
            "incident": incident,
            "metric": metric,
            "value": 1000 + k,
            "at": (START + timedelta(minutes=k)).isoformat(),
            "source": "brandwatch",
        }
        for k in range(first, first + n)
    ]


async def test_a_batch_of_100_across_two_incidents_is_stored(harness: Harness) -> None:
    one, two = await open_incident(harness, "One"), await open_incident(harness, "Two")
    batch = series(one.ref, 60) + series(two.channel_id, 40, metric="mentions")
    answer = await post(harness, {"points": batch})
    assert answer.body == {"ok": True, "stored": 100, "duplicates": 0}
    first = await points(harness, one.id)
    assert [p.value for p in first] == [1000 + k for k in range(60)]
    assert {(p.metric, p.source, p.entered_by) for p in first} == {
        ("views", "brandwatch", "hook:install")
    }
    assert len(await points(harness, two.id)) == 40


async def test_one_bad_point_stores_nothing_of_the_batch(harness: Harness) -> None:
    incident = await open_incident(harness)
    batch = series(incident.ref, 100)
    batch[57]["value"] = "about a million"
    answer = await post(harness, {"points": batch})
    assert answer.status == 400 and answer.body["point"] == 57
    assert answer.body["error"].startswith("value: ")
    assert await point_count(harness) == 0
    assert await recorded(harness, incident.id or 0) == []


async def test_points_already_stored_are_counted_as_duplicates(harness: Harness) -> None:
    incident = await open_incident(harness)
    assert (await post(harness, {"points": series(incident.ref, 50)})).body["stored"] == 50
    overlapping = series(incident.ref, 100, first=25)  # 25 again, 75 new
    answer = await post(harness, {"points": overlapping})
    assert answer.body == {"ok": True, "stored": 75, "duplicates": 25}
    twice = series(incident.ref, 1, first=500) * 2  # the same point twice in one batch
    assert (await post(harness, {"points": twice})).body == {
        "ok": True,
        "stored": 1,
        "duplicates": 1,
    }
    assert await point_count(harness) == 126


async def test_each_point_is_an_entry_in_the_legal_record(harness: Harness) -> None:
    incident = await open_incident(harness)
    sent = [
        {"incident": incident.ref, "metric": "views", "value": "2.7M", "source": "tiktok"},
        {
            "incident": incident.ref,
            "metric": "sentiment",
            "value": -40,
            "unit": "%",
            "at": "2026-11-21T13:30:00Z",
            "source": "brandwatch",
            "url": "https://app.brandwatch.com/alerts/77",
        },
    ]
    assert (await post(harness, {"points": sent})).body["stored"] == 2
    entries = await recorded(harness, incident.id or 0)
    assert [e["user_id"] for e in entries] == ["hook:install", "hook:install"]
    details = [e["content"]["detail"] for e in entries]
    assert [(d["metric"], d["value"], d["unit"], d["source"]) for d in details] == [
        ("views", 2_700_000, "", "tiktok"),
        ("sentiment", -40, "%", "brandwatch"),
    ]
    assert details[1]["measured_at"].startswith("2026-11-21T13:30:00")
    assert details[1]["url"] == "https://app.brandwatch.com/alerts/77"
    assert [e["recorded_at"] for e in entries] == [harness.clock.now()] * 2
    assert (await verify_incident(harness.db, incident.id or 0)).intact


async def test_the_brief_shows_the_hooks_points_after_the_next_outbox_pass(
    harness: Harness,
) -> None:
    """The points' commit asks for a new brief; the outbox pass draws it (not one redraw per
    request)."""
    incident = await open_incident(harness)
    answer = await post(harness, {"points": series(incident.ref, 3)})
    assert answer.body == {"ok": True, "stored": 3, "duplicates": 0}
    pinned = harness.double.messages(incident.channel_id)[0]
    assert "views" not in str(pinned.blocks)  # not drawn at once
    await harness.room.outbox.run()
    await harness.settle()
    pinned = harness.double.messages(incident.channel_id)[0]
    assert "views *1K* ↑ (brandwatch" in str(pinned.blocks)
