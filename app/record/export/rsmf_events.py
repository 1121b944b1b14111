"""The record read as RSMF events: one per thing said, joined, left or done in the war room.

Edits, deletions and reactions are not events of their own in RSMF: they belong to the message
they change, found by its ts whatever order they were stored in (as in `build.py`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.record.chain import timestamp
from app.record.drafts import ts_time
from app.record.export.model import Act
from app.record.export.text import raw_text
from app.record.models import EntryKind
from app.record.organisations import Organisation, remember

EVENT_TYPES = {EntryKind.JOIN.value: "join", EntryKind.LEAVE.value: "leave"}
SAID = {EntryKind.MESSAGE.value, EntryKind.REPLY.value, EntryKind.FILE.value}
REACTIONS = {"reaction_added": True, "reaction_removed": False}  # EntryKind values
PINS = {"pin_added": "pinned", "pin_removed": "unpinned"}


@dataclass(frozen=True, slots=True)
class Change:
    """An edit (`text` is the new version), a deletion or a reaction, with who and when."""

    who: str
    when: datetime
    text: str = ""
    added: bool = True


@dataclass(slots=True)
class SmEvent:
    """One RSMF event being gathered; texts stay mrkdwn until every name is known."""

    key: str
    type: str
    when: datetime
    seq: int
    who: str
    raw: str
    parent: str | None = None
    files: list[dict[str, Any]] = field(default_factory=list)
    edits: list[Change] = field(default_factory=list)
    deleted: Change | None = None
    reactions: dict[str, list[Change]] = field(default_factory=dict)
    notes: list[tuple[str, str]] = field(default_factory=list)
    act: Act | None = None


@dataclass
class Collector:
    """Fed every entry in chain order; `events` then holds the conversation in time order."""

    events: list[SmEvent] = field(default_factory=list)
    posts: dict[str, SmEvent] = field(default_factory=dict)
    later: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    orgs: dict[str, Organisation] = field(default_factory=dict)  # user id -> organisation
    channel_id: str = ""

    def feed(self, row: dict[str, Any]) -> None:
        if row["user_id"] and row["user_name"]:
            self.names[row["user_id"]] = row["user_name"]
        self.channel_id = self.channel_id or str(row.get("channel_id") or "")
        content = json.loads(row["content"])
        remember(self.orgs, row["user_id"], content)
        kind = row["kind"]
        if kind in (EntryKind.EDIT, EntryKind.DELETE) or kind in REACTIONS:
            self.later.append((_slim(row), content))
        elif kind == EntryKind.ACTION:
            self._add(_action(row, content))
        else:
            message = content.get("message") or {}
            self._remember(message)
            event = _said(row, message)
            if kind in PINS:
                pinned = timestamp(ts_time(_item_ts(row, content)))
                event.raw = f"{PINS[kind]} the message of {pinned}"
            self._add(event)
            if row["ts"] and kind in SAID:
                self.posts.setdefault(str(row["ts"]), event)

    def finish(self) -> list[SmEvent]:
        """Attach the changes to their messages and return every event in time order."""
        for row, content in sorted(self.later, key=lambda pair: pair[0]["occurred_at"]):
            self._change(row, content)
        return sorted(self.events, key=lambda event: (event.when, event.seq))

    def _add(self, event: SmEvent) -> None:
        self.events.append(event)

    def _remember(self, message: Mapping[str, Any]) -> None:
        """Names and emails Slack gave with the message (Slack Connect authors, bots)."""
        profile = message.get("user_profile") or {}
        author = str(message.get("user") or "")
        if author and isinstance(profile, dict):
            name = profile.get("real_name") or profile.get("display_name")
            if name:
                self.names.setdefault(author, str(name))
            if profile.get("email"):
                self.emails.setdefault(author, str(profile["email"]))

    def _change(self, row: dict[str, Any], content: dict[str, Any]) -> None:
        kind = row["kind"]
        if kind in REACTIONS:
            event = self._target(_item_ts(row, content), row, {})
            name = str(content.get("reaction") or "?")
            change = Change(_who(row), row["occurred_at"], added=REACTIONS[kind])
            event.reactions.setdefault(name, []).append(change)
            return
        previous = content.get("previous") or {}
        event = self._target(str(row["ts"]), row, previous)
        if kind == EntryKind.EDIT:
            new = raw_text(content.get("message") or {})
            event.edits.append(Change(_who(row), row["occurred_at"], new))
        else:
            event.deleted = Change(_who(row), row["occurred_at"], raw_text(previous))

    def _target(self, ts: str, row: dict[str, Any], previous: Mapping[str, Any]) -> SmEvent:
        """The message a change is about; one rebuilt from the change when the record does
        not hold its original post (it was said before the bot was there)."""
        event = self.posts.get(ts)
        if event is None:
            when = ts_time(ts) if ts else row["occurred_at"]
            stand_in = {**row, "occurred_at": when, "kind": EntryKind.MESSAGE.value}
            event = _said(stand_in, previous)
            event.notes.append(("Note", "the original post is not in the record"))
            self._add(event)
            self.posts[ts] = event
        return event


def _said(row: Mapping[str, Any], message: Mapping[str, Any]) -> SmEvent:
    kind = row["kind"]
    event = SmEvent(
        key=str(row["ts"] or f"entry-{row['seq']}"),
        type=EVENT_TYPES.get(kind, "message" if kind in SAID else "unknown"),
        when=row["occurred_at"],
        seq=int(row["seq"]),
        who=_author(row, message),
        raw=raw_text(message),
        parent=row.get("thread_ts") or None,
        files=[f for f in message.get("files") or [] if isinstance(f, dict)],
    )
    if event.type == "unknown":
        event.notes.append(("Slack event", str(message.get("subtype") or kind)))
    if row.get("recovered"):
        event.notes.append(("Recovered", "from Slack's history after the event was missed"))
    return event


def _action(row: Mapping[str, Any], content: Mapping[str, Any]) -> SmEvent:
    act = Act(
        int(row["seq"]),
        row["occurred_at"],
        str(row["user_id"] or ""),
        str(content.get("action") or ""),
        content.get("detail") or {},
    )
    event = SmEvent(f"entry-{act.seq}", "unknown", act.when, act.seq, _who(row), "", act=act)
    event.notes.append(("Crisis Room action", act.action))
    return event


def _item_ts(row: Mapping[str, Any], content: Mapping[str, Any]) -> str:
    """The ts of the message a reaction or pin is about."""
    item = _mapping(content.get("item"))
    message = _mapping(item.get("message"))
    found = content.get("item_ts") or item.get("ts") or message.get("ts")
    return str(found or row.get("ts") or "")


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _author(row: Mapping[str, Any], message: Mapping[str, Any]) -> str:
    return str(row.get("user_id") or message.get("bot_id") or row.get("user_name") or "unknown")


def _who(row: Mapping[str, Any]) -> str:
    return str(row.get("user_id") or row.get("user_name") or "unknown")


def _slim(row: Mapping[str, Any]) -> dict[str, Any]:
    keep = ("seq", "kind", "ts", "thread_ts", "user_id", "user_name", "occurred_at", "recovered")
    return {key: row.get(key) for key in keep}
