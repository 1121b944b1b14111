"""Proposed actions, their wording history, the approvals they need and every posted card."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.approvals.policy import Category
from app.roles.models import Role
from app.store.types import EnumFields, StrEnumType, UTCDateTime
from app.store.workspace import WorkspaceColumns

TITLE_MAX = 300
DETAILS_MAX = 3000
NOTE_MAX = 3000
REASON_MAX = 3000


class ActionState(StrEnum):
    PENDING = "pending"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    DONE = "done"

    @property
    def label(self) -> str:
        return {
            "pending": "Waiting for approval",
            "changes_requested": "Changes requested",
            "approved": "Approved",
            "rejected": "Rejected",
            "done": "Done",
        }[self.value]


class DecisionState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"


class Decision(StrEnum):
    """What an approver can do with a pending approval."""

    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"

    @property
    def verb(self) -> str:
        return {"approve": "approve", "request_changes": "request changes on", "reject": "reject"}[
            self.value
        ]

    @property
    def past(self) -> str:
        """`Legal already {past} this`, `David {past} A-3`."""
        return {
            "approve": "approved",
            "request_changes": "requested changes on",
            "reject": "rejected",
        }[self.value]

    @property
    def result(self) -> DecisionState:
        return {
            "approve": DecisionState.APPROVED,
            "request_changes": DecisionState.CHANGES_REQUESTED,
            "reject": DecisionState.REJECTED,
        }[self.value]

    @property
    def needs_reason(self) -> bool:
        return self is not Decision.APPROVE


class CopyKind(StrEnum):
    CHANNEL = "channel"
    DM = "dm"


class Action(EnumFields, WorkspaceColumns, table=True):
    """Something someone proposes to do in an incident, waiting on the roles the policy names."""

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(
        sa_column=Column(Integer, ForeignKey("incident.id"), nullable=False, index=True)
    )
    title: str = Field(sa_column=Column(String(TITLE_MAX), nullable=False))
    details: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    category: Category = Field(sa_column=Column(StrEnumType(Category, 32), nullable=False))
    proposer: str = Field(sa_column=Column(String(32), nullable=False))
    owner: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    revision: int = Field(default=1, sa_column=Column(Integer, nullable=False, default=1))
    # Moves on with every change a card shows, in that change's transaction (see locking).
    card_version: int = Field(
        default=1, sa_column=Column(Integer, nullable=False, default=1, server_default="1")
    )
    state: ActionState = Field(
        default=ActionState.PENDING, sa_column=Column(StrEnumType(ActionState, 24), nullable=False)
    )
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    done_by: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    done_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    done_note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Proposed from the statement library: which version, used unchanged or not, and the facts
    # the card shows (app/library/origin.py, as JSON).
    library_version_id: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    library_unchanged: bool | None = Field(default=None, sa_column=Column(Boolean, nullable=True))
    library_origin: str | None = Field(default=None, sa_column=Column(Text, nullable=True))

    @property
    def ref(self) -> str:
        return f"A-{self.id}"


class ActionRevision(SQLModel, table=True):
    """One version of an action's wording; revision 1 is the original proposal."""

    __tablename__ = "action_revision"
    __table_args__ = (
        UniqueConstraint("action_id", "revision", name="uq_action_revision_action_revision"),
    )

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(sa_column=Column(Integer, ForeignKey("action.id"), nullable=False))
    revision: int = Field(sa_column=Column(Integer, nullable=False))
    title: str = Field(sa_column=Column(String(TITLE_MAX), nullable=False))
    details: str = Field(sa_column=Column(Text, nullable=False))
    by: str = Field(sa_column=Column(String(32), nullable=False))
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Approval(EnumFields, SQLModel, table=True):
    """One role's decision on one revision of an action."""

    __table_args__ = (
        UniqueConstraint("action_id", "revision", "role", name="uq_approval_action_revision_role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(sa_column=Column(Integer, ForeignKey("action.id"), nullable=False))
    revision: int = Field(sa_column=Column(Integer, nullable=False))
    role: Role = Field(sa_column=Column(StrEnumType(Role, 16), nullable=False))
    state: DecisionState = Field(
        default=DecisionState.PENDING,
        sa_column=Column(StrEnumType(DecisionState, 24), nullable=False),
    )
    decided_by: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    decided_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Its response time (the policy's, for the category and severity when it was asked), and
    # when the approval reminder pass must next look at it (the response time, then twice it,
    # then NULL): indexed so a tick reads only what is due (app/approvals/reminders_schedule.py).
    due_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    next_reminder_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True, index=True)
    )


class CardCopy(EnumFields, SQLModel, table=True):
    """Where a copy of an action's card was posted, so every copy can be updated together."""

    __tablename__ = "card_copy"
    __table_args__ = (UniqueConstraint("channel_id", "ts", name="uq_card_copy_channel_ts"),)

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(
        sa_column=Column(Integer, ForeignKey("action.id"), nullable=False, index=True)
    )
    channel_id: str = Field(sa_column=Column(String(32), nullable=False))
    ts: str = Field(sa_column=Column(String(32), nullable=False))
    kind: CopyKind = Field(sa_column=Column(StrEnumType(CopyKind, 16), nullable=False))
