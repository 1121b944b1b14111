"""The messages a waiting approval is owed, one row each (issue 14).

At its response time (step 1) each approver of the role gets a reminder DM; at twice the time
(step 2) each backup of the role gets the card by DM and the war room is told under the card,
mentioning the incident leads. Each message is a row whose unique key (approval, step, kind,
recipient) makes it a claim, won before it is sent and marked sent afterwards, exactly like an
update nudge (app/claims/; here app/approvals/reminders_claims.py). A backup may
decide for the role once their step-2 row is sent (`asked_as_backup`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, String, UniqueConstraint
from sqlmodel import Field, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals.models import Action, Approval
from app.claims.columns import ClaimColumns
from app.roles.models import Role
from app.store.types import EnumFields, StrEnumType
from app.store.workspace import WorkspaceColumns

REMIND = 1
ESCALATE = 2


class ApprovalReminderKind(StrEnum):
    APPROVER = "approver"  # step 1: a reminder DM to a holder of the role
    BACKUP = "backup"  # step 2: the card by DM to a backup of the role
    LEAD = "lead"  # step 2: a note under the war-room card for the incident leads


class ApprovalReminder(EnumFields, WorkspaceColumns, ClaimColumns, table=True):
    """One message owed to one recipient for one waiting approval."""

    __tablename__ = "approval_reminder"
    __table_args__ = (
        UniqueConstraint(
            "approval_id", "step", "kind", "recipient", name="uq_approval_reminder_message"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    approval_id: int = Field(
        sa_column=Column(Integer, ForeignKey("approval.id"), nullable=False, index=True)
    )
    step: int = Field(sa_column=Column(Integer, nullable=False))
    kind: ApprovalReminderKind = Field(
        sa_column=Column(StrEnumType(ApprovalReminderKind, 16), nullable=False)
    )
    recipient: str = Field(sa_column=Column(String(32), nullable=False))


@dataclass(frozen=True)
class ApprovalReminderKey:
    """Which message: its effect id on Slack is the same for every attempt."""

    approval_id: int
    action_id: int
    revision: int
    role: Role
    step: int
    kind: ApprovalReminderKind
    recipient: str

    @property
    def effect(self) -> str:
        """e.g. `approval-reminder:A-3:r2:legal:1:approver:U0DAVID`."""
        return (
            f"approval-reminder:A-{self.action_id}:r{self.revision}:{self.role.value}"
            f":{self.step}:{self.kind.value}:{self.recipient}"
        )


async def rows_for(session: AsyncSession, approval_id: int) -> list[ApprovalReminder]:
    """Every message row of one approval, fresh from the database."""
    query = (
        select(ApprovalReminder)
        .where(col(ApprovalReminder.approval_id) == approval_id)
        .order_by(col(ApprovalReminder.id))
        .execution_options(populate_existing=True)
    )
    return list((await session.exec(query)).all())


async def asked_as_backup(session: AsyncSession, action_id: int, user_id: str) -> set[Role]:
    """The roles `user_id` was asked to decide as a backup on this action (any revision): the
    card accepts their decision for those roles from then on."""
    query = (
        select(Approval.role)
        .join(ApprovalReminder, col(ApprovalReminder.approval_id) == Approval.id)
        .where(
            col(Approval.action_id) == action_id,
            col(ApprovalReminder.kind) == ApprovalReminderKind.BACKUP.value,
            col(ApprovalReminder.recipient) == user_id,
            col(ApprovalReminder.sent_at).is_not(None),
        )
    )
    return {Role(role) for role in (await session.exec(query)).all()}


async def backups_asked(session: AsyncSession, incident_id: int) -> set[tuple[int, str, str]]:
    """(action id, role, user) for every backup asked in the incident (the review's figures)."""
    query = (
        select(Approval.action_id, Approval.role, ApprovalReminder.recipient)
        .join(ApprovalReminder, col(ApprovalReminder.approval_id) == Approval.id)
        .join(Action, col(Action.id) == Approval.action_id)
        .where(
            col(Action.incident_id) == incident_id,
            col(ApprovalReminder.kind) == ApprovalReminderKind.BACKUP.value,
            col(ApprovalReminder.sent_at).is_not(None),
        )
    )
    return {(a, str(Role(r)), u) for a, r, u in (await session.exec(query)).all()}
