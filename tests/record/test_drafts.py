"""Slack events and history messages to record drafts, and what reconcile finds missing."""

from __future__ import annotations

from datetime import UTC, datetime

from app.flows.reconcile import deleted, missing
from app.record.drafts import from_event, ts_time
from app.record.models import EntryKind
from tests.record.helpers import CHANNEL, draft_of, message


def test_ts_becomes_an_exact_utc_time() -> None:
    assert ts_time("1763733600.000123") == datetime(2025, 11, 21, 14, 0, 0, 123, tzinfo=UTC)


def test_posts_replies_files_joins_and_notices() -> None:
    plain = draft_of(message("1.000001", "hello", client_msg_id="abc"))
    assert (plain.kind, plain.dedupe_key, plain.thread_ts) == (
        "message",
        f"post:{CHANNEL}:1.000001",
        None,
    )
    assert plain.client_msg_id == "abc" and plain.content["message"]["text"] == "hello"
    parent = draft_of(message("1.000001", "root", thread_ts="1.000001", reply_count=3))
    assert parent.kind == EntryKind.MESSAGE and "reply_count" not in parent.content["message"]
    reply = draft_of(message("1.000002", "re", thread_ts="1.000001"))
    assert (reply.kind, reply.thread_ts) == (EntryKind.REPLY, "1.000001")
    shared = draft_of(
        message("1.000003", "", subtype="file_share", files=[{"id": "F1", "url_private": "u"}])
    )
    assert shared.kind == EntryKind.FILE and shared.content["message"]["files"] == [{"id": "F1"}]
    assert draft_of(message("1.000004", "", subtype="channel_join")).kind == EntryKind.JOIN
    assert draft_of(message("1.000005", "", subtype="channel_leave")).kind == EntryKind.LEAVE
    assert draft_of(message("1.000006", "", subtype="channel_topic")).kind == EntryKind.CHANNEL
    bot = draft_of(
        {
            "type": "message",
            "channel": CHANNEL,
            "ts": "1.7",
            "subtype": "bot_message",
            "bot_id": "B9",
            "username": "Status bot",
            "text": "ok",
        }
    )
    assert bot.user_id is None and bot.user_name == "Status bot (via app B9)"  # an app's post


def test_an_edit_keeps_both_versions_and_a_non_edit_is_ignored() -> None:
    before = message("1.000001", "v1")
    after = {**before, "text": "v2", "edited": {"user": "U0MARIA", "ts": "2.000000"}}
    event = {
        "type": "message",
        "subtype": "message_changed",
        "channel": CHANNEL,
        "ts": "2.000001",
        "message": after,
        "previous_message": before,
    }
    edit = from_event(event, event_id="Ev1")
    assert edit is not None and edit.kind == EntryKind.EDIT and edit.event_id == "Ev1"
    assert edit.dedupe_key == f"edit:{CHANNEL}:1.000001:2.000000"
    assert edit.content["previous"]["text"] == "v1" and edit.content["message"]["text"] == "v2"
    counter_only = {**event, "message": {**before, "reply_count": 4}}
    assert from_event(counter_only) is None


def test_a_deletion_keeps_the_original() -> None:
    event = {
        "type": "message",
        "subtype": "message_deleted",
        "channel": CHANNEL,
        "ts": "3.0",
        "deleted_ts": "1.000001",
        "previous_message": message("1.000001", "oops"),
    }
    gone = from_event(event)
    assert gone is not None and gone.kind == EntryKind.DELETE
    assert (
        gone.dedupe_key == f"delete:{CHANNEL}:1.000001"
        and gone.content["previous"]["text"] == "oops"
    )
    assert from_event({"type": "message", "subtype": "message_replied", "channel": CHANNEL}) is None


def test_missing_finds_new_messages_and_edits_only() -> None:
    history = [
        message("1.000001", "known"),
        message("1.000002", "new"),
        message("1.000003", "edited now", edited={"user": "U0MARIA", "ts": "5.0"}),
        message("1.000004", "edit already known", edited={"user": "U0MARIA", "ts": "6.0"}),
    ]
    known = {f"post:{CHANNEL}:1.000001", f"post:{CHANNEL}:1.000003", f"post:{CHANNEL}:1.000004"}
    versions = {"1.000003": {"text": "before"}, "1.000004": {"text": "edit already known"}}
    found = missing(history, CHANNEL, known, versions)
    assert [d.dedupe_key for d in found] == [
        f"post:{CHANNEL}:1.000002",
        f"edit:{CHANNEL}:1.000003:5.0",
    ]
    assert all(d.recovered for d in found)


def test_deleted_are_held_messages_history_no_longer_shows() -> None:
    history = [
        message("1.000001", "still here"),
        {**message("1.000003", ""), "subtype": "tombstone"},
    ]
    known = {f"post:{CHANNEL}:{ts}" for ts in ("1.000001", "1.000002", "1.000003", "1.000009")}
    known |= {f"delete:{CHANNEL}:1.000002"}
    assert deleted(history, CHANNEL, known, bound="1.000005") == ["1.000003"]
