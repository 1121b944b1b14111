"""Thresholds that act (issue 15), end to end: points stored as the hook stores them, the fake
clock moved, the passes ticked, and what the Slack double received. The seed's viral war room
uses the shipped playbook (tests/metrics/alert_steps.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.clock import FakeClock
from app.harness import Harness
from app.harness.seed import MARIA, ROBERT, SARAH
from app.incidents.models import Severity
from app.metrics.thresholds import AlertKind
from tests.metrics.alert_steps import (
    HOUR,
    MINUTE,
    alert_dms,
    alerts,
    buttons,
    fed,
    feed,
    fresh,
    later,
    open_viral,
    raise_from,
    shown,
    stored_alerts,
)
from tests.scenarios.conftest import crisis
from tests.updates.steps import quiet_harness, trail


@pytest.fixture
async def harness(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    async with quiet_harness(tmp_path, clock) as running:
        yield running


async def test_views_above_1m_alerts_once_until_a_dip_and_a_new_rise(harness: Harness) -> None:
    incident = await open_viral(harness)
    await fed(harness, incident, "views", 400_000)
    assert alerts(harness, incident) == []
    await later(harness, 10 * MINUTE)
    await fed(harness, incident, "views", 2_700_000)
    [alert] = alerts(harness, incident)
    assert alert.text == ":warning: views crossed 1M (now 2.7M, tiktok) · rule: views above 1M"
    assert buttons(alert) == ["Raise to SEV1"]
    assert "Updates are now due every 15m (was 30m)" in shown(harness, alert)
    await later(harness, 10 * MINUTE)
    await fed(harness, incident, "views", 3_100_000)  # still above: no new crossing
    assert len(alerts(harness, incident)) == 1
    await later(harness, 10 * MINUTE)
    await fed(harness, incident, "views", 900_000, source="tiktok")
    await later(harness, 10 * MINUTE)
    await fed(harness, incident, "views", 1_100_000)
    assert [m.text for m in alerts(harness, incident)][1].startswith(
        ":warning: views crossed 1M (now 1.1M, tiktok)"
    )
    assert [(a.rule, a.crossing) for a in await stored_alerts(harness)] == [
        ("views above 1M", 1),
        ("views above 1M", 2),
    ]
    assert len(await trail(harness, "metric.alert")) == 2


async def test_each_source_is_its_own_series(harness: Harness) -> None:
    incident = await open_viral(harness)
    await feed(harness, incident, "views", 2_700_000, source="tiktok")
    await fed(harness, incident, "views", 40_000, source="youtube")
    await later(harness, 5 * MINUTE)
    await fed(harness, incident, "views", 2_800_000, source="tiktok")  # not a new crossing
    assert [m.text.split(" · ")[0] for m in alerts(harness, incident)] == [
        ":warning: views crossed 1M (now 2.7M, tiktok)"
    ]


async def test_a_point_measured_before_the_last_look_still_crosses(harness: Harness) -> None:
    incident = await open_viral(harness)
    await fed(harness, incident, "views", 400_000)
    await later(harness, 10 * MINUTE)
    await fed(harness, incident, "views", 2_700_000, ago=5 * MINUTE)  # sent late
    [alert] = alerts(harness, incident)
    assert alert.text.startswith(":warning: views crossed 1M (now 2.7M, tiktok)")
    [stored] = await stored_alerts(harness)
    assert stored.crossed_at == harness.clock.now() - 5 * MINUTE


async def test_late_points_before_the_last_alert_do_not_fire_it_again(harness: Harness) -> None:
    incident = await open_viral(harness)
    await fed(harness, incident, "views", 400_000)
    await later(harness, 10 * MINUTE)
    await fed(harness, incident, "views", 2_700_000)  # crossing 1
    await later(harness, 10 * MINUTE)
    # sent late: a rise and a dip before the crossing (so it became the series' second)
    await feed(harness, incident, "views", 1_500_000, ago=18 * MINUTE)
    await fed(harness, incident, "views", 500_000, ago=15 * MINUTE)
    assert len(alerts(harness, incident)) == 1
    assert [(a.rule, a.crossing) for a in await stored_alerts(harness)] == [("views above 1M", 1)]
    await later(harness, 10 * MINUTE)
    await fed(harness, incident, "views", 800_000)
    await later(harness, 10 * MINUTE)
    await fed(harness, incident, "views", 1_200_000)  # a new crossing: numbered on
    assert [a.crossing for a in await stored_alerts(harness)] == [1, 2]
    assert len(alerts(harness, incident)) == 2


async def test_the_executives_are_told_once_by_dm(harness: Harness) -> None:
    incident = await open_viral(harness)
    await fed(harness, incident, "views", 2_700_000)
    await later(harness, HOUR)
    [dm] = alert_dms(harness, ROBERT.id)
    assert "views crossed 1M" in dm.text and f"<#{incident.channel_id}>" in dm.text
    assert f"*{incident.ref}*" in dm.text
    assert alert_dms(harness, MARIA.id) == [] and alert_dms(harness, SARAH.id) == []
    sent = await trail(harness, "metric.alert_sent")
    assert sorted((e.detail["via"], e.detail["recipient"]) for e in sent) == [
        ("dm", ROBERT.id),
        ("war_room", incident.channel_id),
    ]


async def test_crossing_shortens_the_update_cadence_audited(harness: Harness) -> None:
    incident = await open_viral(harness)
    assert incident.cadence_seconds == 30 * 60
    await later(harness, 5 * MINUTE)
    await fed(harness, incident, "views", 2_700_000)
    now = await fresh(harness, incident)
    assert now.cadence_seconds == 15 * 60
    assert now.next_update_due == incident.opened_at + 15 * MINUTE  # as `/crisis cadence` does
    [change] = await trail(harness, "cadence.change")
    assert (change.detail["previous_seconds"], change.detail["seconds"]) == (1800, 900)
    brief = shown(harness, harness.double.pins(incident.channel_id)[0])
    assert "every 15m" in brief and "every 30m" not in brief


async def test_a_sentiment_drop_within_two_hours_escalates(harness: Harness) -> None:
    incident = await open_viral(harness)
    await fed(harness, incident, "sentiment", 60, source="listening")
    await later(harness, 90 * MINUTE)
    await fed(harness, incident, "sentiment", 40, source="listening")
    [alert] = alerts(harness, incident, "sentiment")
    assert alert.text == (
        ":warning: sentiment dropped 33% within 2h (60 → 40, listening)"
        " · rule: sentiment drops 30% within 2h"
    )
    assert buttons(alert) == []  # the rule raises nothing
    assert len(alert_dms(harness, ROBERT.id, "sentiment dropped")) == 1


async def test_recovery_is_announced_once(harness: Harness) -> None:
    incident = await open_viral(harness)
    await fed(harness, incident, "sentiment", 60, source="listening")  # the baseline
    await later(harness, HOUR)
    await fed(harness, incident, "sentiment", 36, source="listening")
    await later(harness, HOUR)
    await fed(harness, incident, "sentiment", 57, source="listening")  # back within 10%
    for _ in range(23):
        await later(harness, HOUR)
        await fed(harness, incident, "sentiment", 58, source="listening")
    assert alerts(harness, incident, "recovered") == []
    await later(harness, HOUR)
    [recovered] = alerts(harness, incident, "recovered")
    assert recovered.text == (
        ":white_check_mark: sentiment recovered on listening: within 10% of baseline for 24h"
        " — monitoring can step down"
    )
    await later(harness, HOUR)
    assert len(alerts(harness, incident, "recovered")) == 1
    kinds = [a.kind for a in await stored_alerts(harness) if a.metric == "sentiment"]
    assert kinds == [AlertKind.DROPS, AlertKind.RECOVERY]


async def test_a_silent_feed_is_flagged_once_per_silence(harness: Harness) -> None:
    incident = await open_viral(harness)
    await later(harness, 89 * MINUTE)
    assert alerts(harness, incident, "No `views`") == []
    await later(harness, MINUTE)
    [silent] = alerts(harness, incident, "No `views`")
    assert silent.text == (
        ":mute: No `views` point for 1h30m (expected every 30m): silence from the listening"
        " tool is not good news — check the feed."
    )
    await later(harness, 90 * MINUTE)  # sentiment: 3h silent now; views: the same silence
    assert len(alerts(harness, incident, "No `views`")) == 1
    assert len(alerts(harness, incident, "No `sentiment` point for 3h")) == 1
    await fed(harness, incident, "views", 10_000)  # the feed is back …
    await later(harness, 89 * MINUTE)
    assert len(alerts(harness, incident, "No `views`")) == 1
    await later(harness, MINUTE)  # … and silent again: a new silence
    assert len(alerts(harness, incident, "No `views`")) == 2
    assert alert_dms(harness, ROBERT.id) == []  # a silence escalates to nobody


async def test_nothing_is_watched_once_the_incident_is_resolved(harness: Harness) -> None:
    incident = await open_viral(harness)
    await feed(harness, incident, "views", 2_700_000)
    await crisis(harness, MARIA.id, "resolve Handled.", channel=incident.channel_id)
    await later(harness, 5 * HOUR)
    assert alerts(harness, incident) == []
    assert await stored_alerts(harness) == []


async def test_the_lead_raises_the_severity_from_the_alert(harness: Harness) -> None:
    incident = await open_viral(harness)
    await fed(harness, incident, "views", 2_700_000)
    [alert] = alerts(harness, incident)
    assert await raise_from(harness, MARIA.id, incident, alert) == 200
    assert (await fresh(harness, incident)).severity == Severity.SEV1
    [raised] = await trail(harness, "incident.severity_raised")
    assert (raised.actor, raised.detail["previous_severity"], raised.detail["severity"]) == (
        MARIA.id,
        "SEV2",
        "SEV1",
    )
    updated = harness.double.message(incident.channel_id, alert.ts)
    assert updated is not None and buttons(updated) == []
    assert f"Raised to SEV1 by <@{MARIA.id}>" in str(updated.blocks)
    await harness.until(
        lambda: "SEV1" in shown(harness, harness.double.pins(incident.channel_id)[0])
    )


async def test_only_the_lead_may_raise_the_severity(harness: Harness) -> None:
    incident = await open_viral(harness)
    await fed(harness, incident, "views", 2_700_000)
    [alert] = alerts(harness, incident)
    await raise_from(harness, ROBERT.id, incident, alert)
    [line] = harness.double.ephemerals(ROBERT.id)
    assert "Only the incident lead can raise the severity" in line.text
    assert (await fresh(harness, incident)).severity == Severity.SEV2
    assert await trail(harness, "incident.severity_raised") == []
    assert buttons(harness.double.message(incident.channel_id, alert.ts)) == ["Raise to SEV1"]  # type: ignore[arg-type]


async def test_no_raise_button_once_the_incident_is_that_severe(harness: Harness) -> None:
    incident = await open_viral(harness)
    await fed(harness, incident, "views", 2_700_000)
    [first] = alerts(harness, incident)
    await raise_from(harness, MARIA.id, incident, first)
    await later(harness, 10 * MINUTE)
    await fed(harness, incident, "views", 800_000)
    await later(harness, 10 * MINUTE)
    await fed(harness, incident, "views", 1_500_000)
    second = alerts(harness, incident)[1]
    assert "views crossed 1M (now 1.5M" in second.text and buttons(second) == []
