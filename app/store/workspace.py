"""Which workspace a row belongs to (issue 16): the columns, and the value flows pass around.

Every row a workspace owns (incidents, role assignments, actions, reminders, library entries,
checklist items) carries the Slack team id of its workspace and, on Enterprise Grid, the org's
enterprise id. Both are nullable in the database: rows written before the columns existed get
their team when the bot next starts (app/workspaces/adoption.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlmodel import Field, SQLModel

TEAM_ID_MAX = 32


class WorkspaceColumns(SQLModel):
    """Mix into a table model (each table still builds its own columns)."""

    team_id: str | None = Field(default=None, max_length=TEAM_ID_MAX)
    enterprise_id: str | None = Field(default=None, max_length=TEAM_ID_MAX)


class Owned(Protocol):
    team_id: str | None
    enterprise_id: str | None


@dataclass(frozen=True)
class Workspace:
    """A Slack workspace: its team id and, on Enterprise Grid, its org's enterprise id."""

    team_id: str
    enterprise_id: str | None = None

    @classmethod
    def of(cls, row: Owned) -> Workspace | None:
        """The workspace `row` belongs to (None while it has none: written before issue 16)."""
        return cls(row.team_id, row.enterprise_id) if row.team_id else None

    def stamp(self, row: Owned) -> None:
        """Make `row` this workspace's."""
        row.team_id = self.team_id
        row.enterprise_id = self.enterprise_id


def stamp(row: Owned, team: Workspace | None) -> None:
    """Make `row` belong to `team`, when the caller knows it."""
    if team is not None:
        team.stamp(row)
