"""The bot was down for part of the incident: what it missed is recovered, once."""

from __future__ import annotations

from typing import Any

from app.flows.reconcile import reconcile_open
from app.harness import Harness
from app.harness.seed import DAVID, MARIA, SARAH
from app.record.verify import verify_incident
from tests.record.scenario import by_key, open_war_room, record_of, said, settle_all


async def test_what_happened_while_the_bot_was_down_is_recovered_at_start(
    harness: Harness,
) -> None:
    incident = await open_war_room(harness)
    room, double = incident.channel_id, harness.double
    kept = double.post_as(MARIA.id, room, "Statement draft v1")
    doomed = double.post_as(SARAH.id, room, "Leaked numbers: 12,000 complaints")
    await settle_all(harness)

    harness.driver.stop_forwarding()  # the bot goes down; Slack gives up retrying
    missed: list[dict[str, Any]] = []

    async def overheard(event: dict[str, Any]) -> None:
        missed.append(event)

    double.subscribe(overheard)
    root = double.post_as(DAVID.id, room, "Legal view: no admission of fault")
    reply = double.post_as(MARIA.id, room, "Agreed, removing that line", thread_ts=root)
    double.edit_as(MARIA.id, room, kept, "Statement draft v2 (legal reviewed)")
    double.delete_as(SARAH.id, room, doomed)
    await double.settle()

    await harness.room.start()  # the bot is back: it reconciles every open incident
    await harness.room.recovery

    rows = await record_of(harness, incident.id)
    recovered = [row for row in rows if row["recovered"]]
    assert {row["dedupe_key"].split(":")[0] for row in recovered} == {"post", "edit", "delete"}
    assert said(by_key(rows, f"post:{room}:{root}")) == "Legal view: no admission of fault"
    assert by_key(rows, f"post:{room}:{reply}")["thread_ts"] == root
    assert by_key(rows, f"post:{room}:{reply}")["user_name"] == "Maria Rodriguez"
    [edit] = [row for row in recovered if row["kind"] == "edit"]
    assert said(edit) == "Statement draft v2 (legal reviewed)" and edit["ts"] == kept
    deleted = by_key(rows, f"delete:{room}:{doomed}")
    assert deleted["recovered"] and said(deleted) == "Leaked numbers: 12,000 complaints"

    count = len(rows)
    for event in missed:  # Slack's late retries arrive after all: nothing is stored twice
        await harness.driver.event(event, event_id=f"Ev{event['ts']}", retry_num=3)
    await harness.settle()
    assert await reconcile_open(harness.room.deps) == 0
    assert len(await record_of(harness, incident.id)) == count
    assert (await verify_incident(harness.db, incident.id)).intact


async def test_a_missed_message_that_arrives_first_is_not_recovered_again(
    harness: Harness,
) -> None:
    incident = await open_war_room(harness)
    harness.driver.stop_forwarding()
    ts = harness.double.post_as(MARIA.id, incident.channel_id, "Hold all posts")
    await harness.double.settle()
    event = {**harness.double.message(incident.channel_id, ts).to_slack()}
    event.update(channel=incident.channel_id, channel_type="group")
    await harness.driver.event(event, event_id="Ev0LATE", retry_num=1)
    await harness.settle()
    assert await reconcile_open(harness.room.deps) == 0
    row = by_key(await record_of(harness, incident.id), f"post:{incident.channel_id}:{ts}")
    assert row["recovered"] is False and row["event_id"] == "Ev0LATE"


async def test_history_is_read_page_by_page_through_rate_limits(harness: Harness) -> None:
    incident = await open_war_room(harness)
    harness.driver.stop_forwarding()
    posted = [
        harness.double.post_as(MARIA.id, incident.channel_id, f"update {n}") for n in range(450)
    ]
    await harness.double.settle()
    before = len(harness.double.calls_to("conversations.history"))  # (the brief's lookup)
    harness.double.rate_limit_next("conversations.history", retry_after=1)
    assert await reconcile_open(harness.room.deps) == 450
    history = harness.double.calls_to("conversations.history")[before:]
    assert [call.ok for call in history][:2] == [False, True] and len(history) >= 4
    rows = await record_of(harness, incident.id)
    assert {f"post:{incident.channel_id}:{ts}" for ts in posted} <= {r["dedupe_key"] for r in rows}
