"""The update form's "Key metrics": prefilled from the latest values, and each changed line
stored as a point at the update's time, by its poster, in the update's own transaction (on
SQLite and PostgreSQL). Lines that are not metrics stay text of the update, never an error."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.clock import FakeClock
from app.harness import Harness
from app.harness.seed import MARIA, SARAH
from app.incidents.models import Incident
from app.metrics.lines import HINT
from app.slack import ids
from tests.metrics.test_manual import harness, metric, points, recorded
from tests.scenarios.approvals_helpers import open_seed_incident
from tests.scenarios.closed_helpers import dm_text
from tests.scenarios.conftest import crisis
from tests.updates.steps import shown, updates

__all__ = ["harness"]  # the fixture, on SQLite and PostgreSQL


async def open_form(harness: Harness, incident: Incident, user: str) -> dict[str, Any]:
    """`/crisis update` in the war room; the Key metrics input of the form it opened."""
    await crisis(harness, user, "update", channel=incident.channel_id)
    view = harness.double.open_views(user)[-1]
    [block] = [b for b in view["blocks"] if b.get("block_id") == ids.UPDATE_METRICS]
    return block


async def submit(harness: Harness, user: str, **values: Any) -> None:
    form = {ids.UPDATE_CHANGED: "The CEO apology is live.", **values}
    response = await harness.driver.submit_view(user, form)
    assert response.status == 200 and "errors" not in response.text, response.text
    await harness.settle()


async def seeded(harness: Harness) -> Incident:
    incident = await open_seed_incident(harness)
    await metric(harness, SARAH.id, incident, "views 2712345 tiktok")
    await metric(harness, SARAH.id, incident, "sentiment -40%")
    return incident


async def test_the_form_opens_with_one_line_per_metric_from_the_latest_values(
    harness: Harness,
) -> None:
    incident = await seeded(harness)
    block = await open_form(harness, incident, MARIA.id)
    assert block["label"]["text"] == "Key metrics" and block["hint"]["text"] == HINT
    assert block["element"]["initial_value"] == "sentiment: -40%\nviews: 2.71M (tiktok)"


async def test_a_form_without_metrics_opens_empty(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    block = await open_form(harness, incident, MARIA.id)
    assert "initial_value" not in block["element"]


async def test_changed_lines_become_points_at_the_updates_time_and_the_rest_stays_text(
    harness: Harness, clock: FakeClock
) -> None:
    incident = await seeded(harness)
    clock.advance(timedelta(minutes=45))
    await open_form(harness, incident, MARIA.id)
    field = (
        "sentiment: -35%\n"  # changed: stored
        "views: 2.71M (tiktok)\n"  # as prefilled (2,712,345 rounded): not stored again
        "The apology video passed 150K views\n"  # a sentence: text only
        "ceo_video_views: 150K youtube\n"  # new metric: stored
        "mentions: lots"  # not a number: text only
    )
    await submit(harness, MARIA.id, **{ids.UPDATE_METRICS: field})
    [update] = updates(harness, incident)
    assert "The apology video passed 150K views" in shown(harness, update)
    assert "mentions: lots" in shown(harness, update)
    stored = [
        (p.metric, p.value, p.source, p.entered_by, p.at) for p in await points(harness, incident)
    ]
    start = clock.now() - timedelta(minutes=45)
    assert stored == [
        ("ceo_video_views", 150_000, "youtube", MARIA.id, clock.now()),
        ("sentiment", -40, "", SARAH.id, start),
        ("sentiment", -35, "", MARIA.id, clock.now()),
        ("views", 2_712_345, "tiktok", SARAH.id, start),
    ]
    entries = await recorded(harness, incident, "metric.recorded")
    assert [(e["detail"]["metric"], e["detail"]["value"]) for e in entries] == [
        ("views", 2_712_345),
        ("sentiment", -40),
        ("sentiment", -35),
        ("ceo_video_views", 150_000),
    ]
    block = await open_form(harness, incident, MARIA.id)
    assert block["element"]["initial_value"] == (
        "ceo_video_views: 150K (youtube)\nsentiment: -35%\nviews: 2.71M (tiktok)"
    )


async def test_an_update_that_is_refused_stores_no_points(harness: Harness) -> None:
    incident = await seeded(harness)
    await open_form(harness, incident, MARIA.id)
    await crisis(harness, MARIA.id, "resolve Over", channel=incident.channel_id)
    await submit(harness, MARIA.id, **{ids.UPDATE_METRICS: "sentiment: -10%"})
    assert "INC-1 is resolved; `/crisis reopen` first to post an update." in dm_text(
        harness, MARIA.id
    )
    assert [p.value for p in await points(harness, incident, "sentiment")] == [-40]
