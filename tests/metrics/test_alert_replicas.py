"""Each alert fires once across restarts and replicas, on SQLite and PostgreSQL: the alert's
unique key is its claim, each message a claimed row, and a post whose answer was lost is found
in Slack rather than sent again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.clock import FakeClock
from app.harness import Harness
from app.harness.seed import ROBERT
from tests.conftest import BACKENDS
from tests.databases import harness_on
from tests.metrics.alert_steps import (
    MINUTE,
    alert_dms,
    alerts,
    fed,
    feed,
    later,
    open_viral,
    stored_alerts,
    twin,
)
from tests.updates.steps import trail


@pytest.fixture(params=BACKENDS)
async def harness(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[Harness]:
    async with harness_on(request.param, tmp_path, clock=clock) as running:
        yield running


async def test_a_restart_does_not_send_again(harness: Harness) -> None:
    incident = await open_viral(harness)
    await fed(harness, incident, "views", 2_700_000)
    assert len(alerts(harness, incident)) == 1 and len(alert_dms(harness, ROBERT.id)) == 1
    async with twin(harness) as restarted:  # a new app on the same database
        for _ in range(3):
            await later(harness, 10 * MINUTE, restarted)
        await feed(harness, incident, "views", 2_900_000)
        await later(harness, MINUTE, restarted)
    assert len(alerts(harness, incident, "views crossed")) == 1
    assert len(alert_dms(harness, ROBERT.id)) == 1
    assert len(await trail(harness, "metric.alert")) == 1
    assert len(await trail(harness, "metric.alert_sent")) == 2  # the war room, Robert


async def test_two_replicas_send_each_alert_once(harness: Harness) -> None:
    incident = await open_viral(harness)
    harness.double.latency = 0.02  # widen the window between claim and send
    async with twin(harness) as replica:
        await feed(harness, incident, "views", 2_700_000)
        await asyncio.gather(
            harness.room.tick(), replica.tick(), harness.room.tick(), replica.tick()
        )
        await harness.settle()
        harness.clock.advance(90 * MINUTE)  # type: ignore[attr-defined]
        await asyncio.gather(harness.room.tick(), replica.tick(), replica.tick())
        await harness.settle()
    assert len(alerts(harness, incident, "views crossed 1M")) == 1
    assert len(alerts(harness, incident, "No `views` point")) == 1
    assert len(alert_dms(harness, ROBERT.id)) == 1
    assert sorted(a.rule for a in await stored_alerts(harness)) == [
        "views above 1M",
        "views silent for 1h30m",
    ]
    assert len(await trail(harness, "cadence.change")) == 1
    assert len(await trail(harness, "metric.alert_sent")) == 3


async def test_a_post_whose_answer_was_lost_is_found_not_sent_again(harness: Harness) -> None:
    incident = await open_viral(harness)
    harness.double.fault("chat.postMessage", "drop")  # posted, then the connection dropped
    await fed(harness, incident, "views", 2_700_000)
    async with twin(harness) as restarted:
        await later(harness, MINUTE, restarted)
    assert len(alerts(harness, incident)) == 1
    [room_post] = [
        e for e in await trail(harness, "metric.alert_sent") if e.detail["via"] == "war_room"
    ]
    assert room_post.detail.get("found") is True
