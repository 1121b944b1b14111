"""An incident's checklist, copied from its playbook at open and ticked as the work happens.

The items are stored with the incident (not read from the playbook file again), so a file
changed later never changes the checklist of a war room already open.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String
from sqlmodel import Field

from app.store.types import UTCDateTime
from app.store.workspace import WorkspaceColumns


class ChecklistItem(WorkspaceColumns, table=True):
    __tablename__ = "checklist_item"

    incident_id: int = Field(
        sa_column=Column(Integer, ForeignKey("incident.id"), primary_key=True, autoincrement=False)
    )
    step: str = Field(sa_column=Column(String(16), primary_key=True))
    position: int = Field(sa_column=Column(Integer, nullable=False))
    label: str = Field(sa_column=Column(String(150), nullable=False))
    ticks_on: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    # Set once, when the item is ticked: by whom, on what event (and its subject), and when.
    ticked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    ticked_by: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    ticked_for: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
