"""What to append: Slack messages and events turned into record drafts (pure functions).

Dedupe keys name what an entry is, not how it arrived, so an event, its retries and the same
message recovered from history all store once: `post:<channel>:<ts>` for anything said (and
joins, leaves and channel notices), `edit:<channel>:<ts>:<edited ts>` for each new version,
`delete:<channel>:<ts>` for a deletion, `audit:<id>` for a bot action (reactions and pins:
`app/record/reactions.py`). What each real shape is (tombstones, previews, app posts, Slack
Connect authors, huddles) is read in `app/record/shapes.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from app.record.models import EntryKind
from app.record.shapes import (
    HUDDLE,
    actor,
    app_name,
    as_message,
    huddle_summary,
    is_tombstone,
    preview_only,
    profile_name,
    trimmed,
)

KEPT_FIELDS = (
    "type",
    "subtype",
    "ts",
    "thread_ts",
    "user",
    "bot_id",
    "username",
    "text",
    "blocks",
    "attachments",
    "files",
    "edited",
    "client_msg_id",
    "parent_user_id",
    "app_id",
    "bot_profile",
    "user_profile",
    "user_team",
    "source_team",
    "room",
)
FILE_FIELDS = ("id", "name", "title", "mimetype", "filetype", "size", "user", "created")
VISIBLE = ("text", "blocks", "attachments")
KIND_BY_SUBTYPE = {
    "channel_join": EntryKind.JOIN,
    "group_join": EntryKind.JOIN,
    "channel_leave": EntryKind.LEAVE,
    "group_leave": EntryKind.LEAVE,
    "channel_topic": EntryKind.CHANNEL,
    "channel_purpose": EntryKind.CHANNEL,
    "channel_name": EntryKind.CHANNEL,
    "channel_archive": EntryKind.CHANNEL,
    "channel_unarchive": EntryKind.CHANNEL,
    "group_topic": EntryKind.CHANNEL,
    "group_purpose": EntryKind.CHANNEL,
    "pinned_item": EntryKind.CHANNEL,
    "unpinned_item": EntryKind.CHANNEL,
    "group_name": EntryKind.CHANNEL,
    "group_archive": EntryKind.CHANNEL,
    "group_unarchive": EntryKind.CHANNEL,
    "channel_posting_permissions": EntryKind.CHANNEL,
    "channel_convert_to_public": EntryKind.CHANNEL,
    "channel_convert_to_private": EntryKind.CHANNEL,
    "ekm_access_denied": EntryKind.CHANNEL,
    HUDDLE: EntryKind.CHANNEL,
}
IGNORED_SUBTYPES = {"message_replied", "tombstone"}


@dataclass(frozen=True)
class Draft:
    kind: EntryKind
    dedupe_key: str
    occurred_at: datetime
    content: dict[str, Any]
    channel_id: str | None = None
    ts: str | None = None
    thread_ts: str | None = None
    user_id: str | None = None
    user_name: str | None = None
    event_id: str | None = None
    client_msg_id: str | None = None
    recovered: bool = False
    files: tuple[dict[str, Any], ...] = field(default=(), compare=False)
    # The name to use when users.info does not know the author (a Slack Connect user).
    fallback_name: str | None = field(default=None, compare=False)

    def named(self, user_name: str | None, **changes: Any) -> Draft:
        """This draft by `user_name` (else the event's fallback name), with `changes`, in one
        copy (a draft is copied field by field)."""
        return replace(self, user_name=user_name or self.fallback_name, **changes)


def ts_time(ts: str | None) -> datetime:
    """A Slack ts ("1763733600.000100") as an aware UTC datetime, exactly."""
    seconds, _, fraction = (ts or "0").partition(".")
    micros = int((fraction + "000000")[:6] or 0)
    return datetime.fromtimestamp(int(seconds or 0), UTC) + timedelta(microseconds=micros)


def clean(message: dict[str, Any] | None) -> dict[str, Any] | None:
    """The parts of a message that are what was said, without counters that change later."""
    if message is None:
        return None
    kept = {key: trimmed(key, message[key]) for key in KEPT_FIELDS if message.get(key) is not None}
    if "files" in kept:
        kept["files"] = [_file_meta(item) for item in kept["files"] if isinstance(item, dict)]
    return kept


def _file_meta(item: dict[str, Any]) -> dict[str, Any]:
    return {key: item[key] for key in FILE_FIELDS if item.get(key) is not None}


def from_event(
    event: dict[str, Any], *, event_id: str | None = None, recovered: bool = False
) -> Draft | None:
    """One draft for one Slack message event (or history message), or None if it says nothing
    (`shapes.incomplete` tells an event that says nothing from one that lost its parts)."""
    subtype = event.get("subtype")
    channel = str(event.get("channel") or "")
    if subtype == "message_changed":
        return _changed(event, channel, event_id)
    if subtype == "message_deleted":
        return _delete(event, channel, event_id)
    if subtype in IGNORED_SUBTYPES or not event.get("ts"):
        return None
    return _post(event, channel, event_id, recovered)


def _post(event: dict[str, Any], channel: str, event_id: str | None, recovered: bool) -> Draft:
    ts = str(event["ts"])
    thread_ts = event.get("thread_ts")
    files = tuple(f for f in event.get("files") or [] if isinstance(f, dict))
    kind = KIND_BY_SUBTYPE.get(str(event.get("subtype")))
    content: dict[str, Any] = {"message": clean(event)}
    if kind is None:
        is_reply = bool(thread_ts) and thread_ts != ts
        kind = EntryKind.FILE if files else EntryKind.REPLY if is_reply else EntryKind.MESSAGE
    if event.get("subtype") == HUDDLE:
        content["system"] = huddle_summary(as_message(event.get("room")), ended=False)
    return Draft(
        kind=kind,
        dedupe_key=f"post:{channel}:{ts}",
        occurred_at=ts_time(ts),
        content=content,
        channel_id=channel,
        ts=ts,
        thread_ts=thread_ts if thread_ts and thread_ts != ts else None,
        user_id=actor(event) if kind == EntryKind.CHANNEL else event.get("user"),
        user_name=app_name(event),
        event_id=event_id,
        client_msg_id=event.get("client_msg_id"),
        recovered=recovered,
        files=files,
        fallback_name=profile_name(event),
    )


def visible(message: dict[str, Any] | None) -> tuple[Any, ...]:
    message = message or {}
    files = [item.get("id") for item in message.get("files") or [] if isinstance(item, dict)]
    return (*(message.get(key) for key in VISIBLE), files)


def _changed(event: dict[str, Any], channel: str, event_id: str | None) -> Draft | None:
    """An edit; or a deleted thread parent's tombstone (the deletion of the original); or a
    huddle's room changing (recorded once, when it ends); or a link preview (nothing)."""
    message = as_message(event.get("message")) or {}
    previous = as_message(event.get("previous_message"))
    ts = message.get("ts") or (previous or {}).get("ts")
    if not ts:
        return None
    if is_tombstone(message):
        return delete_draft(str(ts), previous, channel, at=event.get("ts"), event_id=event_id)
    if message.get("subtype") == HUDDLE:
        return _huddle_end({**message, "ts": ts}, channel, event_id)
    if visible(message) == visible(previous) or preview_only(message, previous):
        return None
    return edit_draft(
        {**message, "ts": ts}, previous, channel, event_id=event_id, at=event.get("ts")
    )


def _huddle_end(message: dict[str, Any], channel: str, event_id: str | None) -> Draft | None:
    room = as_message(message.get("room")) or {}
    if not room.get("has_ended"):
        return None  # people joining and leaving a huddle: nobody said anything
    ended = room.get("date_end")
    ts = str(message["ts"])
    return Draft(
        kind=EntryKind.CHANNEL,
        dedupe_key=f"huddle-end:{channel}:{room.get('id') or ts}",
        occurred_at=ts_time(str(ended)) if isinstance(ended, int) and ended else ts_time(ts),
        content={"message": clean(message), "system": huddle_summary(room, ended=True)},
        channel_id=channel,
        ts=ts,
        event_id=event_id,
    )


def edit_draft(
    message: dict[str, Any],
    previous: dict[str, Any] | None,
    channel: str,
    *,
    event_id: str | None = None,
    at: str | None = None,
    recovered: bool = False,
) -> Draft:
    """A new version of `message`; `previous` is None when it was recovered from history."""
    edited = message.get("edited") or {}
    edited_ts = str(edited.get("ts") or at or message["ts"])
    thread_ts = message.get("thread_ts")
    return Draft(
        kind=EntryKind.EDIT,
        dedupe_key=f"edit:{channel}:{message['ts']}:{edited_ts}",
        occurred_at=ts_time(edited_ts),
        content={"message": clean(message), "previous": clean(previous)},
        channel_id=channel,
        ts=str(message["ts"]),
        thread_ts=thread_ts if thread_ts and thread_ts != message["ts"] else None,
        user_id=edited.get("user") or message.get("user"),
        user_name=app_name(message),
        event_id=event_id,
        client_msg_id=message.get("client_msg_id"),
        recovered=recovered,
    )


def _delete(event: dict[str, Any], channel: str, event_id: str | None) -> Draft | None:
    previous = as_message(event.get("previous_message"))
    deleted_ts = event.get("deleted_ts") or (previous or {}).get("ts")
    if not deleted_ts:
        return None
    return delete_draft(str(deleted_ts), previous, channel, at=event.get("ts"), event_id=event_id)


def delete_draft(
    deleted_ts: str,
    previous: dict[str, Any] | None,
    channel: str,
    *,
    at: str | None,
    event_id: str | None = None,
    recovered: bool = False,
    noticed_at: datetime | None = None,
) -> Draft:
    """The deletion of the message at `deleted_ts`. `previous` is the original (a tombstone
    is not: it is what Slack shows in its place). A deletion found by reconcile happened at
    some time before `noticed_at`; its entry carries the message's own time."""
    previous = None if is_tombstone(previous) else previous
    thread_ts = (previous or {}).get("thread_ts")
    content: dict[str, Any] = {"previous": clean(previous)}
    if noticed_at is not None:
        content["noticed_at"] = noticed_at.isoformat()
    return Draft(
        kind=EntryKind.DELETE,
        dedupe_key=f"delete:{channel}:{deleted_ts}",
        occurred_at=ts_time(at or deleted_ts),
        content=content,
        channel_id=channel,
        ts=deleted_ts,
        thread_ts=thread_ts if thread_ts and thread_ts != deleted_ts else None,
        user_id=(previous or {}).get("user"),
        user_name=app_name(previous or {}),
        event_id=event_id,
        recovered=recovered,
    )
