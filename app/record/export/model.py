"""What an exported document shows, independent of its format."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from app.record.organisations import Organisation, marked

if TYPE_CHECKING:  # (the parser, and the emoji table it loads, only when exporting)
    from app.record.export.mrkdwn import Node


SHORT_HASH = 10


def short(digest: str) -> str:
    """The first characters of an entry's hash: enough to find it, short enough to print."""
    return digest[:SHORT_HASH]


@dataclass(slots=True)
class Version:
    number: int
    when: datetime
    who: str
    text: str
    recovered: bool = False
    seq: int = 0
    digest: str = ""
    raw: str = ""
    nodes: list[Node] = field(default_factory=list)


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
    said: str | None = None  # the words when set (a bot action's summary); else from `nodes`
    act: Act | None = None
    digest: str = ""
    bot: bool = False
    nodes: list[Node] = field(default_factory=list)
    deleted_seq: int = 0
    org: Organisation | None = None  # the author's, when the record has it

    @property
    def text(self) -> str:
        """The words without markup, read from `nodes` when asked (a headline, a diff): most
        entries are only ever written out from their nodes."""
        if self.said is not None:
            return self.said
        from app.record.export.mrkdwn import as_plain  # (the parser only when exporting)

        return as_plain(self.nodes)

    @text.setter
    def text(self, value: str) -> None:
        self.said = value

    @property
    def author(self) -> str:
        """The author as the transcript names them: outsiders marked with their organisation."""
        return marked(self.who, self.org)

    @property
    def versions(self) -> list[Version]:
        """Version 1 is the original; edits follow in the order they were made."""
        if not self.edits:
            return []
        first = Version(
            1, self.when, self.who, self.text, self.recovered, self.seq, self.digest, self.raw
        )
        first.nodes = self.nodes
        return [first, *self.edits]

    @property
    def collapsed(self) -> bool:
        """A bot's post it kept editing (the brief, a card): shown once, in its final form,
        with its versions as differences in the appendix."""
        return self.bot and bool(self.edits)

    @property
    def final(self) -> list[Node]:
        return self.edits[-1].nodes if self.edits else self.nodes


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
    org: Organisation | None = None

    @property
    def organisation(self) -> str:
        return self.org.label if self.org else ""

    @property
    def affiliation(self) -> str:
        """ "internal", "external", or "" when the record does not say (older entries, bots)."""
        return self.org.affiliation if self.org else ""


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
    updates: list[Update]
    transcript: list[Item]
    revised: list[Item] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    metrics: list[MetricSection] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)  # ours first


@dataclass(frozen=True)
class MetricRow:
    """A metric's point as the record took it in: when measured, what, where from, who gave it."""

    when: datetime
    value: float
    unit: str
    source: str
    who: str  # a person's name, or "hook:<key id>"
    url: str = ""
    seq: int = 0


@dataclass
class MetricSection:
    """One metric of the record: its points (oldest first) and, in HTML and PDF, its chart
    as a `data:` URI (the document stays one self-contained file)."""

    metric: str
    rows: list[MetricRow]
    marks: list[tuple[datetime, str, str]] = field(default_factory=list)  # at, label, kind
    chart: str = ""


@dataclass(frozen=True)
class Update:
    """A stakeholder update as it was posted: its status and what it said, section by section."""

    when: datetime
    who: str
    kind: str
    status: str
    previous_status: str
    sections: tuple[tuple[str, str], ...]
    next_due: datetime | None = None
