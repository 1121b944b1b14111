"""Claiming an approval reminder before sending it, so it is sent exactly once.

The same rules, timings and SQL as every claimed row (app/claims/): a process inserts the row
already claimed, or takes it back when it is unsent, not waiting for a retry, and unclaimed or
held by a process that stopped beating; afterwards the row is marked sent, or released with a
backoff. Here is only the table and its key (approval, step, kind, recipient).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from app.approvals.models import Action
from app.approvals.reminders import ApprovalReminder, ApprovalReminderKey
from app.claims.table import ClaimTable
from app.incidents.service import workspace_columns


def _columns(key: ApprovalReminderKey) -> dict[str, Any]:
    return {
        "approval_id": key.approval_id,
        "step": key.step,
        "kind": key.kind.value,
        "recipient": key.recipient,
    }


def _workspace(key: ApprovalReminderKey) -> dict[str, Any]:
    """An approval reminder belongs to the workspace of its action's incident."""
    incident_id = select(Action.incident_id).where(col(Action.id) == key.action_id)
    return workspace_columns(incident_id.scalar_subquery())


TABLE = ClaimTable(ApprovalReminder, _columns, workspace=_workspace)
claim = TABLE.claim
mark_sent = TABLE.mark_sent
release = TABLE.release
heartbeat = TABLE.heartbeat
