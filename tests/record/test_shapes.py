"""Every shape Slack really sends, played through the signed endpoint, is stored once and right.

The events are the fixture corpus in tests/fixtures/events/ (see its README for the source of
each field set); each is signed and posted to POST /slack/events by the harness's driver.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from app.flows.reconcile import reconcile_open
from app.harness import Harness
from app.record.drafts import ts_time
from app.record.verify import verify_incident
from tests.record.scenario import by_key, open_war_room, record_of, said, settle_all

EVENTS = Path(__file__).resolve().parents[1] / "fixtures" / "events"
PARENT = "1763733600.000100"


def fixture(name: str, **values: str) -> dict[str, Any]:
    text = (EVENTS / f"{name}.json").read_text()
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    loaded: dict[str, Any] = json.loads(text)
    return loaded


async def play(harness: Harness, room: str, *names: str) -> list[dict[str, Any]]:
    """Post each fixture as a signed event, and again as a second delivery (a new envelope,
    as when Slack redelivers), then read what the record gained."""
    incident_id = harness.room.deps.record.incidents[room]
    before = len(await record_of(harness, incident_id))
    for name in names:
        event = fixture(name, channel=room)
        for delivery in ("", "again"):
            response = await harness.driver.event(event, event_id=f"Ev{name}{delivery}")
            assert response.status == 200, (name, response.text)
        await harness.settle()
    return (await record_of(harness, incident_id))[before:]


async def test_posts_edits_and_deletions_are_stored_once_each(harness: Harness) -> None:
    room = (await open_war_room(harness)).channel_id
    names = ("message", "thread_reply", "message_changed", "message_changed_previous_list")
    rows = await play(harness, room, *names, "message_deleted")
    post, reply = (
        by_key(rows, f"post:{room}:{PARENT}"),
        by_key(rows, f"post:{room}:1763733660.000200"),
    )
    assert (post["kind"], post["user_name"], post["occurred_at"]) == (
        "message",
        "Maria Rodriguez",
        ts_time(PARENT),
    )
    assert (reply["kind"], reply["thread_ts"], reply["user_name"]) == ("reply", PARENT, "David Kim")
    edits = [row for row in rows if row["kind"] == "edit"]
    assert [said(row) for row in edits] == [
        "Holding statement v2 is ready for legal review",
        "Holding statement v3",  # previous_message was a list: stored, nothing crashed
    ]
    assert edits[1]["body"]["previous"] is None and edits[1]["user_id"] == "U0MARIA"
    # message_deleted names a message the record never saw: kept with the original it carries
    gone = by_key(rows, f"delete:{room}:1763733900.000600")
    assert said(gone) == "Coverage: <https://news.example.com/viral-video>"
    assert len({row["dedupe_key"] for row in rows}) == len(rows)


async def test_a_deleted_thread_parent_is_a_deletion_by_its_author(harness: Harness) -> None:
    room = (await open_war_room(harness)).channel_id
    rows = await play(harness, room, "message", "thread_reply", "message_changed_tombstone")
    assert not [row for row in rows if row["kind"] == "edit"]
    deleted = by_key(rows, f"delete:{room}:{PARENT}")
    assert said(deleted) == "Holding statement is ready for legal review"
    assert deleted["user_id"] == "U0MARIA" and deleted["user_id"] != "USLACKBOT"
    assert deleted["occurred_at"] == ts_time("1763733840.000500")
    # Slack's later message_deleted of the same parent (its replies gone) stores nothing new
    late = {**fixture("message_deleted", channel=room), "deleted_ts": PARENT}
    late["previous_message"] = fixture("message_changed_tombstone", channel=room)["message"]
    incident_id = harness.room.deps.record.incidents[room]
    count = len(await record_of(harness, incident_id))
    await harness.driver.event(late, event_id="EvLateDelete")
    await harness.settle()
    assert len(await record_of(harness, incident_id)) == count


async def test_a_link_preview_is_nobodys_edit(harness: Harness) -> None:
    room = (await open_war_room(harness)).channel_id
    assert await play(harness, room, "message_changed_unfurl") == []


async def test_a_partial_shape_is_logged_for_reconcile(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    room = (await open_war_room(harness)).channel_id
    with caplog.at_level(logging.WARNING, logger="app.flows.record_ingest"):
        await play(harness, room, "message_changed_no_ts")
    lines = [r.getMessage() for r in caplog.records if r.name == "app.flows.record_ingest"]
    assert len(lines) == 2  # one line per delivery, never a silent drop
    assert all("without the message's ts" in line and room in line for line in lines)
    assert "reconcile recovers it from history" in lines[0]


async def test_system_notices_are_system_events(harness: Harness) -> None:
    room = (await open_war_room(harness)).channel_id
    notices = (
        "huddle_thread",
        "huddle_thread_ended",
        "channel_posting_permissions",
        "channel_convert_to_public",
        "channel_convert_to_private",
        "ekm_access_denied",
    )
    rows = await play(harness, room, *notices)
    huddle = by_key(rows, f"post:{room}:1763734080.001000")
    assert (huddle["kind"], huddle["user_name"]) == ("channel", "Robert Chen")
    assert huddle["body"]["message"]["room"]["id"] == "R0HUDDLE1"
    ended = by_key(rows, f"huddle-end:{room}:R0HUDDLE1")
    assert ended["kind"] == "channel" and ended["user_id"] is None
    assert ended["occurred_at"] == ts_time("1763734980") and "15 min" in ended["body"]["system"]
    for ts in ("1763735040.001200", "1763735100.001300", "1763735160.001400"):
        assert by_key(rows, f"post:{room}:{ts}")["kind"] == "channel"
    ekm = by_key(rows, f"post:{room}:1763735220.001500")
    assert (ekm["kind"], ekm["user_id"]) == ("channel", None)
    assert not [row for row in rows if row["kind"] in ("edit", "message")]


async def test_app_posts_and_slack_connect_authors_are_named_truthfully(
    harness: Harness,
) -> None:
    room = (await open_war_room(harness)).channel_id
    names = ("bot_message_bot_profile", "bot_message_human_username", "slack_connect_message")
    rows = await play(harness, room, *names)
    assert by_key(rows, f"post:{room}:1763735280.001600")["user_name"] == (
        "Statuspage (via app B0STATUS)"
    )
    impostor = by_key(rows, f"post:{room}:1763735340.001700")
    assert (impostor["user_name"], impostor["user_id"]) == ("David Kim (via app B123)", None)
    agency = by_key(rows, f"post:{room}:1763735400.001800")
    assert (agency["user_id"], agency["user_name"]) == ("U0AGENCY", "Priya Shah")


async def test_reactions_and_pins_are_recorded_with_who_and_when(harness: Harness) -> None:
    incident = await open_war_room(harness)
    room = incident.channel_id
    events = ("message", "reaction_added", "reaction_removed", "pin_added", "pin_removed")
    rows = await play(harness, room, *events)
    kinds = ["reaction_added", "reaction_removed", "pin_added", "pin_removed"]
    marks = [row for row in rows if row["kind"] in kinds]
    assert [row["kind"] for row in marks] == kinds  # once each, retries and all
    thumbs = marks[0]
    assert (thumbs["user_id"], thumbs["user_name"]) == ("U0ROBERT", "Robert Chen")
    assert thumbs["occurred_at"] == ts_time("1763735460.001900")
    assert thumbs["body"]["reaction"] == "+1" and thumbs["body"]["item"]["ts"] == PARENT
    pinned = marks[2]
    assert (pinned["user_name"], pinned["occurred_at"]) == (
        "David Kim",
        ts_time("1763735580.002100"),
    )
    assert (
        pinned["body"]["item"]["message"]["text"] == "Holding statement is ready for legal review"
    )
    assert (await verify_incident(harness.db, incident.id)).intact


async def test_a_tombstone_without_its_original_takes_it_from_the_record(
    harness: Harness,
) -> None:
    room = (await open_war_room(harness)).channel_id
    await play(harness, room, "message")
    bare = fixture("message_changed_tombstone", channel=room)
    del bare["previous_message"]
    await harness.driver.event(bare, event_id="EvBareTombstone")
    await harness.settle()
    rows = await record_of(harness, harness.room.deps.record.incidents[room])
    deleted = by_key(rows, f"delete:{room}:{PARENT}")
    assert said(deleted) == "Holding statement is ready for legal review"
    assert deleted["user_id"] == "U0MARIA"


async def test_a_deletion_found_by_reconcile_carries_the_messages_time(harness: Harness) -> None:
    incident = await open_war_room(harness)
    room, double = incident.channel_id, harness.double
    ts = double.post_as("U0SARAH", room, "Leaked numbers")
    await settle_all(harness)
    harness.driver.stop_forwarding()
    double.delete_as("U0SARAH", room, ts)
    double.post_as("U0MARIA", room, "Numbers removed")  # history reaches past the deletion
    await double.settle()
    assert await reconcile_open(harness.room.deps) == 2
    gone = by_key(await record_of(harness, incident.id), f"delete:{room}:{ts}")
    assert gone["recovered"] and gone["occurred_at"] == ts_time(ts)
    assert gone["body"]["noticed_at"] == harness.clock.now().isoformat()
