"""The war room archived end to end: Slack's events in through the signed HTTP endpoint."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from app.harness import Harness
from app.harness.seed import DAVID, LISA, MARIA, SARAH
from app.record.append import FILE
from app.record.verify import verify_incident
from tests.record.scenario import by_key, open_war_room, record_of, said, settle_all


async def test_the_bots_own_posts_and_actions_are_in_the_record(harness: Harness) -> None:
    incident = await open_war_room(harness)
    rows = await record_of(harness, incident.id)
    kinds = [row["kind"] for row in rows]
    assert rows[0]["kind"] == "action" and rows[0]["body"]["action"] == "incident.open"
    assert "join" in kinds and "channel" in kinds
    brief = by_key(rows, f"post:{incident.channel_id}:{incident.brief_ts}")
    assert brief["user_id"] == harness.double.bot_user_id and brief["user_name"] == "Crisis Room"
    joined = {row["user_name"] for row in rows if row["kind"] == "join"}
    assert {"Maria Rodriguez", "David Kim", "Sarah Johnson"} <= joined
    assert (await verify_incident(harness.db, incident.id)).intact


async def test_threads_edits_deletions_and_files(harness: Harness) -> None:
    incident = await open_war_room(harness)
    room, double = incident.channel_id, harness.double
    parent = double.post_as(MARIA.id, room, "Draft holding statement below")
    reply = double.post_as(DAVID.id, room, "Legal: avoid admitting fault", thread_ts=parent)
    double.edit_as(MARIA.id, room, parent, "Draft holding statement v2 below")
    double.edit_as(MARIA.id, room, parent, "Draft holding statement v3 below")
    oops = double.post_as(SARAH.id, room, "Posting the apology now!")
    double.delete_as(SARAH.id, room, oops)
    shared = double.upload_as(LISA.id, room, "sentiment.csv", b"hour,neg\n1,83\n", "text/csv")
    await settle_all(harness)

    rows = await record_of(harness, incident.id)
    assert by_key(rows, f"post:{room}:{reply}")["thread_ts"] == parent
    assert by_key(rows, f"post:{room}:{reply}")["kind"] == "reply"
    edits = [row for row in rows if row["kind"] == "edit" and row["ts"] == parent]
    edits.sort(key=lambda row: row["occurred_at"])  # events are handled concurrently
    assert [said(row) for row in edits] == [
        "Draft holding statement v2 below",
        "Draft holding statement v3 below",
    ]
    assert edits[0]["body"]["previous"]["text"] == "Draft holding statement below"
    assert said(by_key(rows, f"post:{room}:{parent}")) == "Draft holding statement below"
    deleted = by_key(rows, f"delete:{room}:{oops}")
    assert said(deleted) == "Posting the apology now!" and deleted["user_name"] == "Sarah Johnson"
    assert said(by_key(rows, f"post:{room}:{oops}")) == "Posting the apology now!"
    [file_row] = [row for row in rows if row["kind"] == "file"]
    [kept] = file_row["body"]["message"]["files"]
    digest = hashlib.sha256(b"hour,neg\n1,83\n").hexdigest()
    assert kept["id"] == shared.id and kept["name"] == "sentiment.csv"
    assert (kept["mimetype"], kept["size"], kept["user"]) == ("text/csv", 14, LISA.id)
    assert kept["stored"] is True and kept["sha256"] == digest
    assert file_row["user_name"] == "Lisa Park"
    async with harness.db() as session:
        conn = await session.connection()
        stored = (await conn.execute(select(FILE.c.content))).scalar_one()
    assert stored == b"hour,neg\n1,83\n"
    assert (await verify_incident(harness.db, incident.id)).intact


async def test_a_file_over_the_cap_is_described_but_not_kept(harness: Harness) -> None:
    incident = await open_war_room(harness)
    harness.settings.record_file_max_bytes = 10
    harness.double.upload_as(LISA.id, incident.channel_id, "video.mp4", b"x" * 11, "video/mp4")
    await settle_all(harness)
    [file_row] = [row for row in await record_of(harness, incident.id) if row["kind"] == "file"]
    [kept] = file_row["body"]["message"]["files"]
    assert kept["stored"] is False and "cap" in kept["not_stored_because"]
    assert (kept["name"], kept["size"]) == ("video.mp4", 11)


async def test_a_redelivered_event_is_stored_once(harness: Harness) -> None:
    incident = await open_war_room(harness)
    harness.driver.stop_forwarding()
    ts = harness.double.post_as(MARIA.id, incident.channel_id, "Monitoring sentiment hourly")
    event = {**harness.double.message(incident.channel_id, ts).to_slack()}
    event.update(channel=incident.channel_id, channel_type="group", event_ts=ts)
    before = len(await record_of(harness, incident.id))
    for retry in (None, 1, 2, 3):
        response = await harness.driver.event(event, event_id="Ev0SAME", retry_num=retry)
        assert response.status == 200
    await harness.settle()
    rows = await record_of(harness, incident.id)
    assert len(rows) == before + 1
    assert rows[-1]["event_id"] == "Ev0SAME" and rows[-1]["recovered"] is False


async def test_messages_elsewhere_are_not_archived(harness: Harness) -> None:
    incident = await open_war_room(harness)
    before = len(await record_of(harness, incident.id))
    harness.double.post_as(MARIA.id, harness.general, "Lunch at noon?")
    await settle_all(harness)
    assert len(await record_of(harness, incident.id)) == before
