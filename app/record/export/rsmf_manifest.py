"""RSMF 2.0 manifests (`rsmf_manifest.json`): one conversation, one UTC day, at most `limit`
events; participants, edits, deletions, reactions and attachments as the schema names them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.record.chain import timestamp
from app.record.drafts import ts_time
from app.record.export.decisions import summary
from app.record.export.rsmf_events import Change, SmEvent
from app.record.export.text import plain
from app.record.organisations import Organisation

RSMF_VERSION = "2.0.0"
EVENT_LIMIT = 10_000


@dataclass(frozen=True)
class Conversation:
    id: str
    display: str
    collection: str


@dataclass
class Slice:
    """The events of one file: one UTC day of the conversation (or part of a long one)."""

    day: date
    part: int
    events: list[SmEvent] = field(default_factory=list)
    members: set[str] = field(default_factory=set)

    @property
    def keys(self) -> set[str]:
        return {event.key for event in self.events}


def slices(events: Iterable[SmEvent], *, limit: int = EVENT_LIMIT) -> list[Slice]:
    """Split time-ordered events per UTC day and at `limit` events, noting who was in the
    room (from joins and leaves) when each slice begins."""
    found: list[Slice] = []
    members: set[str] = set()
    for event in events:
        day = event.when.date()  # stored times are UTC
        last = found[-1] if found else None
        if last is None or last.day != day or len(last.events) >= limit:
            part = last.part + 1 if last is not None and last.day == day else 1
            last = Slice(day, part, members=set(members))
            found.append(last)
        last.events.append(event)
        if event.type == "join":
            members.add(event.who)
        elif event.type == "leave":
            members.discard(event.who)
    return found


def manifest(
    conversation: Conversation,
    part: Slice,
    *,
    names: Mapping[str, str],
    emails: Mapping[str, str],
    roles: Mapping[str, list[str]],
    attachments: Mapping[str, str],
    orgs: Mapping[str, Organisation] | None = None,
) -> dict[str, Any]:
    """The manifest of one slice; `attachments` maps a file's SHA-256 to its name in the zip."""
    keys = part.keys
    events = [_event(e, conversation.id, keys, names, attachments) for e in part.events]
    present = part.members | {e.who for e in part.events if e.type not in ("join", "leave")}
    people = sorted(present | _everyone(part.events))
    return {
        "version": RSMF_VERSION,
        "eventcollectionid": conversation.collection,
        "participants": [_participant(p, names, emails, roles, orgs or {}) for p in people],
        "conversations": [
            {
                "id": conversation.id,
                "display": conversation.display,
                "platform": "slack",
                "type": "channel",
                "participants": sorted(present),
            }
        ],
        "events": events,
    }


def _everyone(events: Iterable[SmEvent]) -> set[str]:
    people: set[str] = set()
    for event in events:
        people.add(event.who)
        people.update(change.who for change in event.edits)
        people.update(c.who for changes in event.reactions.values() for c in changes)
        if event.deleted is not None:
            people.add(event.deleted.who)
    return people


def _participant(
    user: str,
    names: Mapping[str, str],
    emails: Mapping[str, str],
    roles: Mapping[str, list[str]],
    orgs: Mapping[str, Organisation],
) -> dict[str, Any]:
    """A participant; RSMF 2.0 has no organisation field, so theirs (with whether it is ours)
    goes in `custom`, the schema's name/value extension a review platform shows on hover."""
    found: dict[str, Any] = {"id": user, "display": names.get(user, user), "account_id": user}
    if emails.get(user):
        found["email"] = emails[user]
    custom = []
    if roles.get(user):
        custom.append({"name": "Crisis Room roles", "value": ", ".join(roles[user])})
    org = orgs.get(user)
    if org is not None:
        custom.append({"name": "Organisation", "value": org.label})
        custom.append({"name": "Affiliation", "value": org.affiliation})
    if custom:
        found["custom"] = custom
    return found


def _event(
    event: SmEvent,
    conversation: str,
    keys: set[str],
    names: Mapping[str, str],
    attachments: Mapping[str, str],
) -> dict[str, Any]:
    texts = [plain(event.raw, names), *(plain(change.text, names) for change in event.edits)]
    body = summary(event.act, names) if event.act else texts[-1]
    found: dict[str, Any] = {
        "id": event.key,
        "type": event.type,
        "participant": event.who,
        "conversation": conversation,
        "timestamp": timestamp(event.when),
        "body": body,
    }
    custom = [("Record entry", str(event.seq)), *event.notes]
    if event.parent and event.parent != event.key:
        if event.parent in keys:
            found["parent"] = event.parent
        else:
            custom.append(("In reply to", f"the thread started at {_ts_when(event.parent)}"))
    if event.edits:
        found["edits"] = _edits(event.edits, texts)
    if event.deleted is not None:
        found["deleted"] = True
        custom.append(("Deleted", _by(event.deleted, names)))
    _files(event, found, custom, attachments)
    _reactions(event, found, custom, names)
    found["custom"] = [{"name": name, "value": value} for name, value in custom if value]
    return found


def _edits(edits: list[Change], texts: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "participant": change.who,
            "timestamp": timestamp(change.when),
            "previous": texts[number],
            "new": texts[number + 1],
        }
        for number, change in enumerate(edits)
    ]


def _files(
    event: SmEvent,
    found: dict[str, Any],
    custom: list[tuple[str, str]],
    attachments: Mapping[str, str],
) -> None:
    kept = []
    for item in event.files:
        name = str(item.get("name") or item.get("title") or item.get("id") or "file")
        in_zip = attachments.get(str(item.get("sha256") or ""))
        if in_zip is None:
            reason = item.get("reason") or "its content was not kept"
            custom.append(("File not attached", f"{name} ({item.get('id')}): {reason}"))
            continue
        kept.append({"id": in_zip, "display": name, "size": int(item.get("size") or 0)})
    if kept:
        found["attachments"] = kept


def _reactions(
    event: SmEvent, found: dict[str, Any], custom: list[tuple[str, str]], names: Mapping[str, str]
) -> None:
    shown = []
    for name, changes in event.reactions.items():
        holders: list[str] = []
        for change in changes:
            if change.added and change.who not in holders:
                holders.append(change.who)
            elif not change.added and change.who in holders:
                holders.remove(change.who)
            verb = "added" if change.added else "removed"
            custom.append(("Reaction", f":{name}: {verb} by {_by(change, names)}"))
        if holders:
            shown.append({"value": name, "count": len(holders), "participants": holders})
    if shown:
        found["reactions"] = shown


def _by(change: Change, names: Mapping[str, str]) -> str:
    who = names.get(change.who, change.who)
    return f"{who} ({change.who}) at {timestamp(change.when)}"


def _ts_when(ts: str) -> str:
    return timestamp(ts_time(ts))


def span(part: Slice) -> tuple[datetime, datetime]:
    return part.events[0].when, part.events[-1].when
