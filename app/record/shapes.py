"""Reading the message shapes Slack really sends (pure functions, no Slack imports).

Slack's events are not always what their documentation's first example shows: a
`previous_message` can be a list, a deleted thread parent arrives as a `message_changed` whose
new message is a "tombstone" by USLACKBOT, a link preview arrives as a change nobody made, an
app can post under any name it likes, and a Slack Connect author may be unknown to
`users.info` while the event carries their profile. These functions say what each one is.
"""

from __future__ import annotations

from typing import Any

TOMBSTONE = "tombstone"
HUDDLE = "huddle_thread"
SLACKBOT = "USLACKBOT"
ROOM_FIELDS = (
    "id",
    "created_by",
    "date_start",
    "date_end",
    "has_ended",
    "participant_history",
    "channels",
    "call_family",
)
BOT_PROFILE_FIELDS = ("id", "name", "app_id", "team_id")
USER_PROFILE_FIELDS = ("real_name", "display_name", "name", "team")
TRIMMED = {
    "room": ROOM_FIELDS,
    "bot_profile": BOT_PROFILE_FIELDS,
    "user_profile": USER_PROFILE_FIELDS,
}
# Notices that are not anything a person said: who is named as their actor, if anyone.
NOBODY = "ekm_access_denied"  # "Your admins have suspended everyone's access to this content."


def as_message(value: Any) -> dict[str, Any] | None:
    """A `message` / `previous_message` that is an object; anything else (Slack sends a list
    when a deleted parent's replies are all deleted) is no message at all."""
    return value if isinstance(value, dict) else None


def trimmed(key: str, value: Any) -> Any:
    """The parts of a nested object the record keeps (rooms, bot and user profiles)."""
    fields = TRIMMED.get(key)
    if fields is None or not isinstance(value, dict):
        return value
    return {name: value[name] for name in fields if value.get(name) is not None}


def is_tombstone(message: dict[str, Any] | None) -> bool:
    return bool(message) and (message or {}).get("subtype") == TOMBSTONE


def preview_only(message: dict[str, Any], previous: dict[str, Any] | None) -> bool:
    """A change that only adds or refreshes link previews (unfurls): no `edited` stamp, the
    same text, blocks and files. Nobody edited anything."""
    if previous is None or message.get("edited"):
        return False
    return all(message.get(key) == previous.get(key) for key in ("text", "blocks", "files"))


def app_name(event: dict[str, Any]) -> str | None:
    """The name an app posted under, marked as the app's ("David Kim (via app B123)"); None
    for a post by a user (the bot's own posts included), named from users.info."""
    bot_id = event.get("bot_id")
    if not bot_id:
        return None
    username = event.get("username")
    profile = as_message(event.get("bot_profile")) or {}
    if not username and event.get("user"):
        return None
    name = username or profile.get("name")
    return f"{name} (via app {bot_id})" if name else f"app {bot_id}"


def profile_name(event: dict[str, Any]) -> str | None:
    """A Slack Connect author's name from the event's `user_profile` (users.info may not know
    people from another organisation)."""
    profile = as_message(event.get("user_profile")) or {}
    for key in ("real_name", "display_name", "name"):
        if profile.get(key):
            return str(profile[key])
    return None


def actor(event: dict[str, Any]) -> str | None:
    """Who a system notice names: a huddle's starter, nobody for an EKM revocation, otherwise
    the event's user."""
    subtype = event.get("subtype")
    if subtype == HUDDLE:
        room = as_message(event.get("room")) or {}
        return room.get("created_by") or None
    if subtype == NOBODY or event.get("user") == SLACKBOT:
        return None
    return event.get("user")


def huddle_summary(room: dict[str, Any] | None, *, ended: bool) -> str:
    """One line in plain words for a huddle's start or end: how many took part, how long.
    Who they were stays in the stored room data (`created_by`, `participant_history`)."""
    room = room or {}
    people = [str(user) for user in room.get("participant_history") or []]
    started, finished = room.get("date_start"), room.get("date_end")
    if not ended:
        return f"A huddle started (started by {room.get('created_by', 'someone')})"
    length = ""
    if isinstance(started, int) and isinstance(finished, int) and finished >= started:
        length = f", {max(1, round((finished - started) / 60))} min"
    who = ", ".join(people) or "nobody recorded"
    return f"The huddle ended ({who}{length})"


def incomplete(event: dict[str, Any]) -> str | None:
    """Why a message event cannot be stored as it is (it names no message), or None. Such an
    event is logged and left to reconcile, which reads the message from history."""
    subtype = event.get("subtype")
    message = as_message(event.get("message")) or {}
    previous = as_message(event.get("previous_message")) or {}
    if subtype == "message_changed" and not (message.get("ts") or previous.get("ts")):
        return "a message_changed event without the message's ts"
    if subtype == "message_deleted" and not (event.get("deleted_ts") or previous.get("ts")):
        return "a message_deleted event without deleted_ts"
    if subtype not in ("message_changed", "message_deleted") and not event.get("ts"):
        return f"a {subtype or 'message'} event without ts"
    return None
