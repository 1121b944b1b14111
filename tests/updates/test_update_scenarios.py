"""Posting updates, the executive summary, status, resolve and bad input, through the double."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from app.clock import FakeClock, SystemClock
from app.harness import Harness
from app.harness.seed import DAVID, MARIA, ROBERT, SARAH
from app.slack import ids
from tests.scenarios.approvals_helpers import open_seed_incident
from tests.scenarios.conftest import crisis, last_private
from tests.updates.steps import (
    HOUR,
    fresh,
    nudges,
    post_update,
    quiet_harness,
    shown,
    trail,
    updates,
)

EXECS = "CEXECS01"


async def test_an_update_posts_in_the_room_and_a_summary_for_stakeholders(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiet_harness(tmp_path, clock, CRISIS_STAKEHOLDER_CHANNEL=EXECS) as harness:
        bot = harness.double.bot_user_id
        harness.double.add_channel("exec-updates", members=[ROBERT.id, bot], id=EXECS)
        incident = await open_seed_incident(harness)
        await post_update(
            harness,
            incident,
            **{
                ids.UPDATE_STATUS: "responding",
                ids.UPDATE_CHANGED: "CEO apology live <!channel>\nMore detail here.",
                ids.UPDATE_ACTIONS: "Paid social paused.",
                ids.UPDATE_METRICS: "views 2.7M, sentiment -40%",
                ids.UPDATE_NEXT_DUE: "45m",
            },
        )
        [update] = updates(harness, incident)
        room = shown(harness, update)
        assert "Responding" in room and "views 2.7M, sentiment -40%" in room
        assert "&lt;!channel&gt;" in json.dumps(update.blocks)
        [summary] = harness.double.messages(EXECS)
        text = shown(harness, summary)
        assert "INC-1 · Customer-service video going viral" in text
        assert "More detail" not in text and "What we're doing" in text
        assert f"<#{incident.channel_id}>" in json.dumps(summary.blocks)
        after = await fresh(harness, incident)
        assert after.status == "responding" and after.next_update_due == clock.now() + 0.75 * HOUR
        brief = harness.double.message(incident.channel_id, incident.brief_ts or "")
        assert brief is not None and "Last update" in shown(harness, brief)
        [entry] = await trail(harness, "update.post")
        assert entry.actor == MARIA.id and entry.detail["status"] == "responding"


async def test_a_stakeholder_channel_failure_is_told_to_the_war_room(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiet_harness(tmp_path, clock, CRISIS_STAKEHOLDER_CHANNEL=EXECS) as harness:
        incident = await open_seed_incident(harness)  # the bot is not in CEXECS01: not found
        await post_update(harness, incident)
        assert len(updates(harness, incident)) == 1
        texts = [m.text for m in harness.double.messages(incident.channel_id)]
        assert any("executive summary did not reach" in text for text in texts)


async def test_anyone_in_the_room_posts_updates_but_only_stewards_resolve(
    harness: Harness,
) -> None:
    incident = await open_seed_incident(harness)
    response = await post_update(harness, incident, SARAH.id, **{ids.UPDATE_STATUS: "resolved"})
    assert "errors" in response.text and ids.UPDATE_STATUS in response.text
    assert (await fresh(harness, incident)).status == "investigating"
    await harness.driver.submit_view(
        SARAH.id, {ids.UPDATE_STATUS: "monitoring", ids.UPDATE_CHANGED: "Calmer overnight."}
    )
    await harness.settle()
    assert (await fresh(harness, incident)).status == "monitoring"
    await crisis(harness, SARAH.id, "resolve", channel=incident.channel_id)
    assert "Only the incident lead" in last_private(harness, SARAH.id)


async def test_resolving_from_the_update_form_stops_reminders(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    await post_update(harness, incident, ROBERT.id, **{ids.UPDATE_STATUS: "resolved"})
    after = await fresh(harness, incident)
    assert after.status == "resolved" and after.next_update_due is None
    harness.clock.advance(5 * HOUR)  # type: ignore[attr-defined]
    await harness.room.tick()
    assert nudges(harness, incident) == []
    assert len(await trail(harness, "incident.resolve")) == 1
    await crisis(harness, MARIA.id, "update", channel=incident.channel_id)
    assert "is resolved" in last_private(harness, MARIA.id)


async def test_resolve_asks_for_a_summary_in_a_form(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    await crisis(harness, MARIA.id, "resolve", channel=incident.channel_id)
    response = await harness.driver.submit_view(MARIA.id, {ids.RESOLVE_SUMMARY: ""})
    assert ids.RESOLVE_SUMMARY in response.text
    await harness.driver.submit_view(MARIA.id, {ids.RESOLVE_SUMMARY: "Sentiment recovered."})
    await harness.settle()
    [resolution] = updates(harness, incident)
    assert "Sentiment recovered." in shown(harness, resolution)
    assert (await fresh(harness, incident)).status == "resolved"


async def test_status_changes_without_an_update(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    await crisis(harness, DAVID.id, "status monitoring", channel=incident.channel_id)
    after = await fresh(harness, incident)
    assert after.status == "monitoring" and after.last_update_at is None
    assert "to :eyes: Monitoring" in harness.double.messages(incident.channel_id)[-1].text
    [entry] = await trail(harness, "incident.status")
    assert entry.detail == {"previous_status": "investigating", "status": "monitoring"}


async def test_bad_input_gets_one_line_saying_what_to_type(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    room = incident.channel_id
    cases = {
        "cadence soon": "`soon` is not a duration",
        "cadence 90": "Say the unit",
        "cadence 0s": "at least 1 second",
        "status done": "`done` is not a status",
        "status resolved": "/crisis resolve",
        "update now": "takes nothing after it",
        "reopen": "is not resolved",
        "status investigating": "is already investigating",
    }
    for typed, expected in cases.items():
        await crisis(harness, MARIA.id, typed, channel=room)
        assert expected in last_private(harness, MARIA.id), typed
    await crisis(harness, MARIA.id, "update")
    assert "only works inside a war room" in last_private(harness, MARIA.id)
    await crisis(harness, MARIA.id, "update", channel=room)
    response = await harness.driver.submit_view(
        MARIA.id, {ids.UPDATE_CHANGED: "", ids.UPDATE_NEXT_DUE: "tomorrow"}
    )
    errors = json.loads(response.text)["errors"]
    assert set(errors) == {ids.UPDATE_CHANGED, ids.UPDATE_NEXT_DUE}
    assert updates(harness, incident) == []


async def test_the_real_scheduler_nudges_within_seconds_of_the_due_time(tmp_path: Path) -> None:
    async with quiet_harness(tmp_path, SystemClock(), CRISIS_TICK_SECONDS=0.2) as harness:
        incident = await open_seed_incident(harness)
        await crisis(harness, MARIA.id, "cadence 2s", channel=incident.channel_id)
        due = (await fresh(harness, incident)).next_update_due
        assert due is not None
        await harness.until(lambda: nudges(harness, incident), timeout=7)
        for _ in range(100):
            if entries := await trail(harness, "update.nudge"):
                break
            await asyncio.sleep(0.02)
        [entry] = entries
        assert 0 <= (entry.at - due).total_seconds() < 5
