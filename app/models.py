"""Every table, imported in one place so metadata and migrations see them all."""

from app.approvals.models import Action, ActionRevision, Approval, CardCopy
from app.audit.models import AuditEntry
from app.incidents.models import Incident
from app.roles.models import RoleAssignment

__all__ = [
    "Action",
    "ActionRevision",
    "Approval",
    "AuditEntry",
    "CardCopy",
    "Incident",
    "RoleAssignment",
]
