"""Claiming a reminder in the database before sending it, so it is sent exactly once.

A reminder (one nudge, one escalation DM, one escalation note) is identified by its incident,
due period, kind and recipient, and that key is unique: a process sends it only after winning
its row. The rules, timings and SQL are every claimed row's (app/claims/); here are the key,
the table, and the reads of one due period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.claims.rules import (
    CLAIM_LEASE,
    HEARTBEAT_EVERY,
    MAX_BACKOFF_SECONDS,
    STALE_AFTER,
    Claimed,
    backoff,
    free_at,
    settled,
)
from app.claims.table import ClaimTable
from app.incidents.service import workspace_columns
from app.updates.models import Reminder, ReminderKind

__all__ = [
    "CLAIM_LEASE",
    "HEARTBEAT_EVERY",
    "MAX_BACKOFF_SECONDS",
    "STALE_AFTER",
    "Claimed",
    "ReminderKey",
    "backoff",
    "claim",
    "for_period",
    "free_at",
    "heartbeat",
    "mark_sent",
    "release",
    "settled",
]


@dataclass(frozen=True)
class ReminderKey:
    incident_id: int
    due_at: datetime
    kind: ReminderKind
    recipient: str

    @property
    def effect(self) -> str:
        """The reminder's id on Slack (message metadata): the same for every attempt."""
        due = self.due_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"{self.kind.value}:INC-{self.incident_id}:{due}:{self.recipient}"


def _columns(key: ReminderKey) -> dict[str, Any]:
    return {
        "incident_id": key.incident_id,
        "due_at": key.due_at,
        "kind": key.kind.value,
        "recipient": key.recipient,
    }


def _workspace(key: ReminderKey) -> dict[str, Any]:
    """A reminder belongs to its incident's workspace."""
    return workspace_columns(key.incident_id)


# A reminder first claimed before `first_claimed_at` existed cannot be in Slack before its due
# time: that bounds the history searched for it.
TABLE = ClaimTable(Reminder, _columns, since_column="due_at", workspace=_workspace)
claim = TABLE.claim
mark_sent = TABLE.mark_sent
release = TABLE.release
heartbeat = TABLE.heartbeat


async def for_period(session: AsyncSession, incident_id: int, due_at: datetime) -> list[Reminder]:
    """Every reminder row of one due period, fresh from the database."""
    query = (
        select(Reminder)
        .where(col(Reminder.incident_id) == incident_id, col(Reminder.due_at) == due_at)
        .order_by(col(Reminder.id))
        .execution_options(populate_existing=True)
    )
    return list((await session.exec(query)).all())
