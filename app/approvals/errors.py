"""Errors particular to approvals: plain words and the facts behind them, never mrkdwn."""

from __future__ import annotations

from datetime import datetime

from app.errors import CrisisError
from app.roles.models import Role


class AlreadyDecided(CrisisError):
    """The click came too late: the role already decided, the wording changed, or the action
    already has its outcome. `message` is the whole line, in plain text; `state` says why."""

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


class DecidedBy(AlreadyDecided):
    """Too late, and a decision settled it: `message` is the line up to who settled it.

    The Slack adapter ends the line with who (`by`, a user id, as a mention) and when (`at`),
    as in "Legal already approved this:" + " <@U0DAVID> at 2026-11-21 14:00 UTC."."""
