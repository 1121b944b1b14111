"""Every table, imported in one place so metadata and migrations see them all."""

from app.approvals.models import Action, ActionRevision, Approval, CardCopy
from app.approvals.reminders import ApprovalReminder
from app.approvals.variants import ActionVariant
from app.audit.models import AuditEntry
from app.incidents.external_models import ExternalAccess
from app.incidents.hold_models import LegalHold
from app.incidents.models import Incident
from app.library.models import LibraryApproval, LibraryCard, LibraryEntry, LibraryVersion
from app.metrics.alerts import MetricAlert, MetricAlertMessage
from app.metrics.models import MetricFeed, MetricPoint
from app.metrics.watch import MetricWatch
from app.outbox.models import OutboxRow
from app.playbooks.models import ChecklistItem
from app.record.catch_up_models import RecordCatchUp
from app.record.checkpoints import RecordCheckpoint
from app.record.models import RecordEntry, RecordFile, RecordHead
from app.record.retention_models import PurgeGrant, PurgeLog
from app.requests.models import SeenRequest
from app.review.models import Review
from app.roles.models import RoleAssignment
from app.slack.install_tables import OAuthState
from app.update_variants.models import UpdateVariant
from app.updates.models import Reminder, StatusUpdate

__all__ = [
    "Action",
    "ActionRevision",
    "ActionVariant",
    "Approval",
    "ApprovalReminder",
    "AuditEntry",
    "CardCopy",
    "ChecklistItem",
    "ExternalAccess",
    "Incident",
    "LegalHold",
    "LibraryApproval",
    "LibraryCard",
    "LibraryEntry",
    "LibraryVersion",
    "MetricAlert",
    "MetricAlertMessage",
    "MetricFeed",
    "MetricPoint",
    "MetricWatch",
    "OAuthState",
    "OutboxRow",
    "PurgeGrant",
    "PurgeLog",
    "RecordCatchUp",
    "RecordCheckpoint",
    "RecordEntry",
    "RecordFile",
    "RecordHead",
    "Reminder",
    "Review",
    "RoleAssignment",
    "SeenRequest",
    "StatusUpdate",
    "UpdateVariant",
]
