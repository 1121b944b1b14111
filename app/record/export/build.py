"""Building a document from the record, one entry at a time (100,000 entries fit easily).

Each entry is reduced to what the document shows as it streams past; mentions are named at
the end, once every name in the record is known. Edits and deletions attach to the message
they change by its ts, whatever order they were stored in.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.record.drafts import ts_time
from app.record.export import decisions as log
from app.record.export.metrics import metric_sections
from app.record.export.model import Act, Document, Facts, Item, Participant, Version, short
from app.record.export.mrkdwn import Text, as_plain, parse
from app.record.export.text import raw_text
from app.record.export.updates import updates
from app.record.models import EntryKind
from app.record.organisations import Organisation, remember, taking_part
from app.record.stored import STORED_FIELDS, stored_moment
from app.record.walk import Walk


@dataclass
class Pending:
    """An edit or deletion, waiting for the message it changes."""

    row: dict[str, Any]
    previous: dict[str, Any] | None
    version: Version | None = None


@dataclass
class Builder:
    walk: Walk = field(default_factory=Walk)
    items: list[Item] = field(default_factory=list)
    posts: dict[str, Item] = field(default_factory=dict)
    edits: list[Pending] = field(default_factory=list)
    deletes: list[Pending] = field(default_factory=list)
    acts: list[Act] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    orgs: dict[str, Organisation] = field(default_factory=dict)  # user id -> organisation
    count: int = 0
    first: datetime | None = None
    last: datetime | None = None

    def feed(self, values: Sequence[Any]) -> None:
        """A stored row (`stored.STORED_FIELDS` order): checked by the walk, then gathered."""
        walk = self.walk
        walk.feed_stored(values)
        (_, seq, kind, _, _, ts, thread, user_id, user_name, _, _, occurred) = values[:12]
        when = _moment(walk.occurred, occurred)
        self.count += 1
        if self.first is None or when < self.first:
            self.first = when
        if self.last is None or when > self.last:
            self.last = when
        if user_id and user_name:
            self.names[user_id] = user_name
        content = json.loads(values[CONTENT])
        remember(self.orgs, user_id, content)
        recovered, digest = values[RECOVERED], values[-1]
        if kind not in _CHANGES:
            message = content.get("message") or {}
            who = _named(user_name, user_id)
            item = _item(seq, kind, when, user_id, who, message, ts)
            item.thread_ts, item.recovered = thread, bool(recovered)
            item.digest = short(str(digest or ""))
            if "message" not in content:
                item.raw = _describe(content)
            self.items.append(item)
            self.posts.setdefault(str(ts), item)
            return
        row = {
            "seq": seq,
            "kind": kind,
            "ts": ts,
            "thread_ts": thread,
            "user_id": user_id,
            "user_name": user_name,
            "occurred_at": when,
            "recovered": recovered,
            "hash": digest,
        }
        self._change(row, content)

    def _change(self, row: dict[str, Any], content: dict[str, Any]) -> None:
        """An edit or a deletion (attached to its message at the end), or a bot action."""
        kind, when = row["kind"], row["occurred_at"]
        if kind == EntryKind.EDIT:
            raw = raw_text(content.get("message") or {})
            version = Version(0, when, _who(row), "", seq=row["seq"], digest=short(row["hash"]))
            version.raw = raw
            self.edits.append(Pending(row, content.get("previous"), version))
        elif kind == EntryKind.DELETE:
            self.deletes.append(Pending(row, content.get("previous")))
        else:
            self._act(row, content)

    def _act(self, row: dict[str, Any], content: dict[str, Any]) -> None:
        detail = content.get("detail") or {}
        act = Act(
            row["seq"], row["occurred_at"], row["user_id"] or "", content.get("action", ""), detail
        )
        self.acts.append(act)
        item = Item(act.seq, EntryKind.ACTION, act.when, act.user_id, _who(row), "", act=act)
        item.digest = short(row["hash"])
        self.items.append(item)

    def document(
        self, facts: Facts, roles: Mapping[str, list[str]], tz: str, now: datetime
    ) -> Document:
        self._attach()
        names = self.names
        for item in self.items:
            _name(item, names)
            item.org = self.orgs.get(item.user_id or "")
        verdict = self.walk.verdict()
        transcript = self._threads()
        broken = verdict.first_break
        return Document(
            facts=facts,
            tz=tz,
            generated_at=now,
            entries=self.count,
            final_hash=verdict.final_hash,
            intact=broken is None,
            integrity="intact" if broken is None else broken.describe(),
            first=self.first,
            last=self.last,
            participants=self._participants(roles),
            status_history=log.status_history(self.acts, names),
            decisions=log.decisions(self.acts, names),
            updates=updates(self.acts, names),
            transcript=transcript,
            revised=[item for item in _walk(transcript) if item.collapsed],
            names=dict(names),
            metrics=metric_sections(self.acts, names),
            organisations=taking_part(self.orgs),
        )

    def _attach(self) -> None:
        for pending in sorted(self.edits, key=lambda p: p.row["occurred_at"]):
            item = self._target(pending)
            assert pending.version is not None
            pending.version.number = len(item.edits) + 2
            item.edits.append(pending.version)
        for pending in self.deletes:
            item = self._target(pending)
            item.deleted_at, item.deleted_seq = pending.row["occurred_at"], pending.row["seq"]

    def _target(self, pending: Pending) -> Item:
        ts = str(pending.row["ts"])
        item = self.posts.get(ts)
        if item is None:
            row, previous = pending.row, pending.previous or {}
            when, user_id = _when(row, previous), row["user_id"]
            item = _item(row["seq"], row["kind"], when, user_id, _who(row), previous, row["ts"])
            item.thread_ts, item.recovered = row["thread_ts"], bool(row["recovered"])
            item.digest = short(str(row["hash"] or ""))
            item.kind = EntryKind.REPLY if item.thread_ts else EntryKind.MESSAGE
            item.note = "the original post is not in the record; shown from the later event"
            self.items.append(item)
            self.posts[ts] = item
        return item

    def _threads(self) -> list[Item]:
        top: list[Item] = []
        for item in self.items:
            parent = self.posts.get(item.thread_ts or "") if item.thread_ts else None
            (parent.replies if parent is not None and parent is not item else top).append(item)
        for item in top:
            item.replies.sort(key=_order)
        return sorted(top, key=_order)

    def _participants(self, roles: Mapping[str, list[str]]) -> list[Participant]:
        seen = {item.user_id for item in self.items if item.user_id}
        for act in self.acts:
            seen.update(act.detail.get("users") or [])
        people = [
            Participant(u, self.names.get(u, u), tuple(roles.get(u, [])), self.orgs.get(u))
            for u in seen
        ]
        return sorted(people, key=lambda p: (not p.roles, p.name.lower()))


def _moment(spelled: str | None, stored: Any) -> datetime:
    """The entry's time as the column type reads it, from its canonical spelling when the walk
    made one (`datetime.fromisoformat` reads its Z as UTC)."""
    moment: datetime = datetime.fromisoformat(spelled) if spelled else stored_moment(stored)
    return moment


RECOVERED, CONTENT = STORED_FIELDS.index("recovered"), STORED_FIELDS.index("content")
_CHANGES = frozenset(kind.value for kind in (EntryKind.EDIT, EntryKind.DELETE, EntryKind.ACTION))


def _order(item: Item) -> tuple[datetime, int]:
    return item.when, item.seq


def _who(row: Mapping[str, Any]) -> str:
    return _named(row.get("user_name"), row.get("user_id"))


def _named(user_name: Any, user_id: Any) -> str:
    return str(user_name or user_id or "unknown")


def _item(
    seq: int,
    kind: str,
    when: datetime,
    user_id: str | None,
    who: str,
    message: Mapping[str, Any],
    ts: str | None,
) -> Item:
    """A post as the transcript shows it (its thread, whether recovered, its hash: the caller's)."""
    files = list(message.get("files") or [])
    item = Item(seq, kind, when, user_id, who, raw_text(message), ts, files=files)
    item.bot = bool(message.get("bot_id")) or message.get("subtype") == "bot_message"
    return item


def _name(item: Item, names: Mapping[str, str]) -> None:
    """People by name, and every text read from its mrkdwn now that all names are known."""
    if item.who == item.user_id:
        item.who = names.get(item.user_id or "", item.who)
    if item.act is not None:
        item.text = log.summary(item.act, names)
        item.nodes = [Text(item.text)]
    else:
        item.nodes = parse(item.raw, names)  # (its `text` read from them when asked)
    for version in item.edits:
        version.nodes = parse(version.raw, names)
        version.text = as_plain(version.nodes)
        version.who = names.get(version.who, version.who)


def _walk(items: list[Item]) -> list[Item]:
    """Every item of a transcript, replies after their parent, in the order they are shown."""
    return [found for item in items for found in (item, *_walk(item.replies))]


def _describe(content: Mapping[str, Any]) -> str:
    """An entry of a kind this document does not know yet, in words (its plain facts)."""
    facts = {key: value for key, value in content.items() if isinstance(value, str | int)}
    if "reaction" in facts:
        facts["reaction"] = f":{facts['reaction']}:"
    return "; ".join(f"{key.replace('_', ' ')}: {value}" for key, value in facts.items())


def _when(row: Mapping[str, Any], message: Mapping[str, Any]) -> datetime:
    if row["kind"] in (EntryKind.EDIT, EntryKind.DELETE) and message.get("ts"):
        return ts_time(str(message["ts"]))
    occurred: datetime = row["occurred_at"]
    return occurred
