"""Reactions and pins in a war room as record drafts, and the line an export shows for each.

An executive's 👍 on a draft is evidence: who reacted (or pinned), to which message, and when.
Each event is its own entry (adding and removing the same reaction twice is four entries);
the dedupe key names the event's own time, so Slack's retries store once:
`reaction:<channel>:<message ts>:<user>:<name>:<event ts>` and
`pin:<channel>:<message ts>:<event ts>`. Only reactions to messages are kept (a reaction to a
file outside a channel names no war room).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.record.drafts import Draft, clean, ts_time
from app.record.export.text import plain
from app.record.models import EntryKind
from app.record.shapes import as_message

REACTION_KINDS = {
    "reaction_added": EntryKind.REACTION_ADDED,
    "reaction_removed": EntryKind.REACTION_REMOVED,
}
PIN_KINDS = {"pin_added": EntryKind.PIN_ADDED, "pin_removed": EntryKind.PIN_REMOVED}
KINDS = frozenset({*REACTION_KINDS.values(), *PIN_KINDS.values()})


def reaction_draft(event: dict[str, Any], *, event_id: str | None = None) -> Draft | None:
    """A reaction_added / reaction_removed event on a message, or None."""
    kind = REACTION_KINDS.get(str(event.get("type")))
    item = as_message(event.get("item")) or {}
    channel, target = item.get("channel"), item.get("ts")
    at, user, name = event.get("event_ts"), event.get("user"), event.get("reaction")
    if kind is None or item.get("type") != "message" or not (channel and target and at and name):
        return None
    return Draft(
        kind=kind,
        dedupe_key=f"reaction:{channel}:{target}:{user}:{name}:{at}",
        occurred_at=ts_time(str(at)),
        content={"reaction": name, "item": item, "item_user": event.get("item_user")},
        channel_id=str(channel),
        ts=str(at),
        user_id=user,
        event_id=event_id,
    )


def pin_draft(event: dict[str, Any], *, event_id: str | None = None) -> Draft | None:
    """A pin_added / pin_removed event on a message, or None."""
    kind = PIN_KINDS.get(str(event.get("type")))
    item = as_message(event.get("item")) or {}
    message = as_message(item.get("message")) or {}
    channel = event.get("channel_id") or item.get("channel")
    target, at = message.get("ts"), event.get("event_ts")
    if kind is None or item.get("type") != "message" or not (channel and target and at):
        return None
    return Draft(
        kind=kind,
        dedupe_key=f"pin:{channel}:{target}:{at}",
        occurred_at=ts_time(str(at)),
        content={
            "item": {"type": "message", "channel": channel, "message": clean(message)},
            "item_user": event.get("item_user"),
        },
        channel_id=str(channel),
        ts=str(at),
        user_id=event.get("user"),
        event_id=event_id,
    )


def describe(kind: str, content: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """What a reaction or pin entry says, in plain words with people named:
    "reacted :+1: to @Maria Rodriguez's message 1763733600.000100"."""
    item = as_message(content.get("item")) or {}
    message = as_message(item.get("message")) or {}
    target = item.get("ts") or message.get("ts") or "?"
    author = content.get("item_user") or message.get("user")
    whose = f"@{names.get(str(author)) or author}'s message" if author else "a message"
    if kind in (EntryKind.REACTION_ADDED, EntryKind.REACTION_REMOVED):
        emoji = f":{content.get('reaction')}:"
        if kind == EntryKind.REACTION_ADDED:
            return f"reacted {emoji} to {whose} {target}"
        return f"removed the reaction {emoji} from {whose} {target}"
    verb = "pinned" if kind == EntryKind.PIN_ADDED else "unpinned"
    said = plain(str(message.get("text") or ""), names).strip()
    return f"{verb} {whose} {target}" + (f": {said}" if said else "")
