"""Errors particular to approvals."""

from __future__ import annotations

from datetime import datetime

from app.errors import CrisisError
from app.roles.models import Role


class AlreadyDecided(CrisisError):
    """The click came too late: the role already decided, the wording changed, or the action
    already has its outcome. Carries who decided and when so the UI can show `<@who>` and a
    Slack date instead of the plain message."""

    def __init__(
        self,
        message: str,
        *,
        state: str,
        role: Role | None = None,
        by: str | None = None,
        at: datetime | None = None,
    ) -> None:
        super().__init__(message)
        self.state = state
        self.role = role
        self.by = by
        self.at = at
