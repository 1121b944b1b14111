"""What an exported document shows, independent of its format."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class Version:
    number: int
    when: datetime
    who: str
    text: str
    recovered: bool = False


@dataclass(slots=True)
class Item:
    """One line of the transcript: something said, a join or leave, or a bot action."""

    seq: int
    kind: str
    when: datetime
    user_id: str | None
    who: str
    raw: str
    ts: str | None = None
    thread_ts: str | None = None
    recovered: bool = False
    files: list[dict[str, Any]] = field(default_factory=list)
    edits: list[Version] = field(default_factory=list)
    deleted_at: datetime | None = None
    replies: list[Item] = field(default_factory=list)
    note: str = ""
    text: str = ""
    act: Act | None = None

    @property
    def versions(self) -> list[Version]:
        """Version 1 is the original; edits follow in the order they were made."""
        if not self.edits:
            return []
        first = Version(1, self.when, self.who, self.text, self.recovered)
        return [first, *self.edits]


@dataclass(frozen=True, slots=True)
class Act:
    """A bot action from the audit trail, as recorded."""

    seq: int
    when: datetime
    user_id: str
    action: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class Event:
    when: datetime
    who: str
    what: str
    why: str = ""


@dataclass(frozen=True)
class Wording:
    revision: int
    when: datetime
    who: str
    title: str
    details: str


@dataclass
class Decision:
    ref: str
    title: str
    category: str
    proposer: str
    required_roles: list[str]
    state: str = "pending"
    wordings: list[Wording] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


@dataclass(frozen=True)
class Participant:
    user_id: str
    name: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class Facts:
    ref: str
    title: str
    severity: str
    kind: str
    status: str
    channel: str
    opened_by: str
    opened_at: datetime
    summary: str


@dataclass
class Document:
    facts: Facts
    tz: str
    generated_at: datetime
    entries: int
    final_hash: str
    intact: bool
    integrity: str
    first: datetime | None
    last: datetime | None
    participants: list[Participant]
    status_history: list[Event]
    decisions: list[Decision]
    updates: list[Event]
    transcript: list[Item]
