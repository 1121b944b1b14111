"""What a person asks of an action, as plain values: a proposal, a decision, a revision, done.

The Slack adapter reads these from forms and buttons (app/slack/blocks/approvals/); the flows
and services take them as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from app.approvals.models import Decision
from app.approvals.policy import Category
from app.approvals.variants import Audience
from app.roles.models import Role


@dataclass(frozen=True)
class LibraryUse:
    """A proposal made from the statement library: used unchanged, it needs only the lead."""

    version_id: int
    unchanged: bool
    origin: str  # the facts the card shows, as JSON (app/library/origin.py)


@dataclass(frozen=True)
class ProposeForm:
    incident_id: int
    title: str
    details: str
    category: Category
    owner: str | None
    library: LibraryUse | None = None
    variants: Mapping[Audience, str] = field(default_factory=dict)  # per audience, optional


@dataclass(frozen=True)
class DecisionValue:
    """What a decision button stands for: which action, which revision of its words, which role."""

    action_id: int
    revision: int
    role: Role


@dataclass(frozen=True)
class ReasonForm:
    action_id: int
    revision: int
    role: Role
    decision: Decision
    reason: str


@dataclass(frozen=True)
class ReviseForm:
    action_id: int
    revision: int
    title: str
    details: str
    variants: Mapping[Audience, str] | None = None  # None: the revision keeps the current ones


@dataclass(frozen=True)
class DoneForm:
    action_id: int
    note: str
